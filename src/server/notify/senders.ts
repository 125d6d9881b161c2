import nodemailer, { type Transporter } from 'nodemailer';
import type { OpsdeckConfig } from '../../config/index.js';
import type { ChannelType } from '../../store/notify/index.js';

/**
 * Sending one notification over one channel: an outbound webhook (JSON), a Slack-compatible
 * incoming webhook (`{ text, blocks }`) or e-mail over SMTP (nodemailer). No retries here: the
 * `notify.deliver` job retries with backoff. Outcomes never carry the target URL (it may embed a
 * credential): only its host.
 */

export interface NotificationMessage {
  event: 'page' | 'resolved' | 'test';
  /** One line: what happened. */
  title: string;
  incident?: {
    id: string;
    number: number;
    title: string;
    severity: string;
    status: string;
    serviceId: string;
    createdAt: string;
  };
  /** The user paged (page notifications). */
  user?: { id: string; username: string };
  links: { incident?: string; acknowledge?: string; resolve?: string };
  sentAt: string;
}

export interface SendOutcome {
  ok: boolean;
  /** HTTP status line or SMTP response; the error for network failures. */
  detail: string;
  /** A failure worth retrying (network, timeout, HTTP 408/429/5xx, SMTP 4xx). */
  retryable: boolean;
}

export const SEND_TIMEOUT_MS = 10_000;

/** The displayable destination of a target: a URL's host, an e-mail address as is. */
export function destinationOf(type: ChannelType, target: string): string {
  if (type === 'email') return target;
  try {
    return new URL(target).host;
  } catch {
    return 'invalid URL';
  }
}

/** The webhook body: the message as JSON. */
export function webhookBody(m: NotificationMessage): Record<string, unknown> {
  return { ...m, source: 'opsdeck' };
}

/** Slack incoming-webhook body (also accepted by Mattermost and Rocket.Chat): `text` plus blocks. */
export function slackBody(m: NotificationMessage): { text: string; blocks: unknown[] } {
  const links = [
    m.links.acknowledge && `<${m.links.acknowledge}|Acknowledge>`,
    m.links.resolve && `<${m.links.resolve}|Resolve>`,
    m.links.incident && `<${m.links.incident}|Open incident>`,
  ].filter(Boolean);
  const fields = m.incident
    ? [
        { type: 'mrkdwn', text: `*Severity*\n${m.incident.severity}` },
        { type: 'mrkdwn', text: `*Status*\n${m.incident.status}` },
        { type: 'mrkdwn', text: `*Service*\n${m.incident.serviceId}` },
        ...(m.user ? [{ type: 'mrkdwn', text: `*Paged*\n${m.user.username}` }] : []),
      ]
    : [];
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    text: m.title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escape(m.title)}*` } },
      ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
      ...(links.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: links.join('  ·  ') } }] : []),
    ],
  };
}

export function emailText(m: NotificationMessage): string {
  const lines = [m.title, ''];
  if (m.incident) {
    lines.push(
      `Incident #${m.incident.number}: ${m.incident.title}`,
      `Severity: ${m.incident.severity}`,
      `Status: ${m.incident.status}`,
      `Service: ${m.incident.serviceId}`,
      `Opened: ${m.incident.createdAt}`,
    );
    if (m.user) lines.push(`Paged: ${m.user.username}`);
    lines.push('');
  }
  if (m.links.acknowledge) lines.push(`Acknowledge: ${m.links.acknowledge}`);
  if (m.links.resolve) lines.push(`Resolve: ${m.links.resolve}`);
  if (m.links.incident) lines.push(`Incident: ${m.links.incident}`);
  lines.push('', '-- opsdeck');
  return lines.join('\n');
}

async function postJson(url: string, body: unknown): Promise<SendOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'opsdeck-notify' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      redirect: 'manual',
    });
    // Drain the body so the connection can be reused; its content is not recorded.
    await res.arrayBuffer().catch(() => undefined);
    const detail = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    if (res.ok) return { ok: true, detail, retryable: false };
    return { ok: false, detail, retryable: res.status >= 500 || res.status === 408 || res.status === 429 };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why =
      err.name === 'TimeoutError'
        ? `timeout after ${SEND_TIMEOUT_MS} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    // fetch's messages name at most host:port (`connect ECONNREFUSED 10.0.0.1:443`, `bad port`), never the path.
    return { ok: false, detail: `network error: ${why}`, retryable: true };
  }
}

const transports = new Map<string, Transporter>();

function transportFor(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport({
      url,
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
    transports.set(url, t);
  }
  return t;
}

async function sendMail(config: OpsdeckConfig, to: string, m: NotificationMessage): Promise<SendOutcome> {
  if (!config.smtp) {
    return { ok: false, detail: 'no SMTP server configured (smtp.url / OPSDECK_SMTP_URL)', retryable: false };
  }
  try {
    const info = (await transportFor(config.smtp.url).sendMail({
      from: config.smtp.from,
      to,
      subject: `[opsdeck] ${m.title}`,
      text: emailText(m),
    })) as { response?: string };
    return { ok: true, detail: info.response ?? 'accepted', retryable: false };
  } catch (e) {
    const err = e as Error & { responseCode?: number; response?: string; code?: string };
    if (err.responseCode !== undefined) {
      return {
        ok: false,
        detail: err.response ?? `SMTP ${err.responseCode}`,
        retryable: err.responseCode < 500,
      };
    }
    return { ok: false, detail: `SMTP error: ${err.code ?? err.message}`, retryable: true };
  }
}

/** Sends `m` to a channel's (unsealed) target. Never throws. */
export function send(
  config: OpsdeckConfig,
  type: ChannelType,
  target: string,
  m: NotificationMessage,
): Promise<SendOutcome> {
  switch (type) {
    case 'webhook':
      return postJson(target, webhookBody(m));
    case 'slack':
      return postJson(target, slackBody(m));
    case 'email':
      return sendMail(config, target, m);
  }
}
