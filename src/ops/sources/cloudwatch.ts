import { createVerify } from 'node:crypto';
import {
  JsonTooDeepError,
  PayloadReader,
  dedupKeyOf,
  finish,
  ingestError,
  parseJson,
  parseJsonBody,
} from '../alert.js';
import type { Alert, NormalizeResult, Severity, SourceControl } from '../alert.js';
import { err } from '../../core/result.js';

/** The SNS HTTP(S) envelope fields opsdeck reads (AWS docs: "HTTP/HTTPS notification JSON format"). */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  UnsubscribeURL?: string;
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

/**
 * The canonical string SNS signs: for each field in the documented order, `Name\nValue\n`.
 * Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type.
 * SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp,
 * Token, TopicArn, Type.
 */
export function snsStringToSign(envelope: SnsEnvelope): string {
  const keys = envelope.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const k of keys) {
    const v = envelope[k];
    if (v === undefined) continue;
    out += `${k}\n${v}\n`;
  }
  return out;
}

/**
 * Verifies an SNS message signature against the signing certificate (or public key) PEM.
 * SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. False for anything else or any mismatch.
 */
export function verifySnsSignature(envelope: SnsEnvelope, certPem: string): boolean {
  if (envelope.Signature === undefined) return false;
  const algorithm =
    envelope.SignatureVersion === '1'
      ? 'RSA-SHA1'
      : envelope.SignatureVersion === '2'
        ? 'RSA-SHA256'
        : undefined;
  if (algorithm === undefined) return false;
  try {
    const v = createVerify(algorithm);
    v.update(snsStringToSign(envelope), 'utf8');
    return v.verify(certPem, envelope.Signature, 'base64');
  } catch {
    return false;
  }
}

/** True when the certificate URL is one SNS itself serves: https, sns.<region>.amazonaws.com(.cn), a .pem path. */
export function isTrustedSnsCertUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return false;
  if (!/^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(u.hostname)) return false;
  return u.pathname.endsWith('.pem');
}

/** Which CloudWatch state opens an alert and how urgent it is. */
function stateToAlert(state: string): { status: 'firing' | 'resolved'; severity: Severity } {
  if (state === 'ALARM') return { status: 'firing', severity: 'error' };
  if (state === 'INSUFFICIENT_DATA') return { status: 'firing', severity: 'info' };
  return { status: 'resolved', severity: 'info' };
}

/**
 * AWS CloudWatch alarm state change delivered by SNS over HTTP(S). The body is `text/plain` JSON
 * (the SNS envelope); its `Message` holds the alarm JSON as a string. ALARM fires (severity
 * `error`), OK resolves, INSUFFICIENT_DATA fires with severity `info`. Confirmation messages
 * produce no alert but a `control` the adapter acts on (visit SubscribeURL after verifying).
 * The `x-amz-sns-message-type` header, when given, must agree with `Type`.
 */
export function normalize(
  body: unknown,
  headers?: Readonly<Record<string, string | undefined>>,
): NormalizeResult {
  const parsed = parseJsonBody('cloudwatch', body);
  if (!parsed.ok) return parsed;
  const r = new PayloadReader();
  const env = r.object(parsed.value, '');
  if (!env) return err(ingestError('cloudwatch', r.problems));
  const type = r.oneOf(env['Type'], '/Type', [
    'Notification',
    'SubscriptionConfirmation',
    'UnsubscribeConfirmation',
  ] as const);
  const headerType = headers?.['x-amz-sns-message-type'];
  if (type !== undefined && headerType !== undefined && headerType !== type) {
    r.fail('/Type', `is "${type}" but the x-amz-sns-message-type header says "${headerType}"`);
  }
  const topicArn = r.string(env['TopicArn'], '/TopicArn', { nonEmpty: true });
  r.string(env['MessageId'], '/MessageId', { nonEmpty: true });
  const message = r.string(env['Message'], '/Message');
  if (!r.ok || type === undefined || topicArn === undefined || message === undefined) {
    return err(ingestError('cloudwatch', r.problems));
  }
  if (type !== 'Notification') {
    const subscribeUrl = r.string(env['SubscribeURL'], '/SubscribeURL', { nonEmpty: true });
    const token = r.string(env['Token'], '/Token', { nonEmpty: true });
    const control: SourceControl | undefined =
      subscribeUrl !== undefined && token !== undefined
        ? {
            type:
              type === 'SubscriptionConfirmation'
                ? 'sns-subscription-confirmation'
                : 'sns-unsubscribe-confirmation',
            topicArn,
            subscribeUrl,
            token,
          }
        : undefined;
    return finish('cloudwatch', r, () => ({
      source: 'cloudwatch',
      alerts: [],
      acknowledgements: [],
      truncatedAlerts: 0,
      ...(control && { control }),
    }));
  }
  let alarmJson: unknown;
  try {
    alarmJson = parseJson(message);
  } catch (e) {
    r.fail(
      '/Message',
      e instanceof JsonTooDeepError ? e.message : 'must be a JSON string holding the CloudWatch alarm',
    );
    return err(ingestError('cloudwatch', r.problems));
  }
  const p = '/Message';
  const alarm = r.object(alarmJson, p);
  const alerts: Alert[] = [];
  if (alarm) {
    const name = r.string(alarm['AlarmName'], `${p}/AlarmName`, { nonEmpty: true });
    const state = r.oneOf(alarm['NewStateValue'], `${p}/NewStateValue`, [
      'ALARM',
      'OK',
      'INSUFFICIENT_DATA',
    ] as const);
    const changed = r.time(alarm['StateChangeTime'], `${p}/StateChangeTime`);
    const reason = r.optionalString(alarm['NewStateReason'], `${p}/NewStateReason`) ?? '';
    const description = r.optionalString(alarm['AlarmDescription'], `${p}/AlarmDescription`);
    const account = r.optionalString(alarm['AWSAccountId'], `${p}/AWSAccountId`) ?? '';
    const region = r.optionalString(alarm['Region'], `${p}/Region`) ?? '';
    const arn = r.optionalString(alarm['AlarmArn'], `${p}/AlarmArn`);
    const oldState = r.optionalString(alarm['OldStateValue'], `${p}/OldStateValue`);
    const labels: Record<string, string> = {};
    if (alarm['Trigger'] !== undefined) {
      const t = r.object(alarm['Trigger'], `${p}/Trigger`);
      if (t) {
        for (const k of ['MetricName', 'Namespace', 'Statistic', 'ComparisonOperator'] as const) {
          if (typeof t[k] === 'string') labels[k.charAt(0).toLowerCase() + k.slice(1)] = t[k];
        }
        const dims = t['Dimensions'];
        if (dims !== undefined) {
          (r.array(dims, `${p}/Trigger/Dimensions`) ?? []).forEach((d, i) => {
            const dim = r.object(d, `${p}/Trigger/Dimensions/${i}`);
            const n = dim && r.string(dim['name'], `${p}/Trigger/Dimensions/${i}/name`);
            const v = dim && r.string(dim['value'], `${p}/Trigger/Dimensions/${i}/value`);
            if (n !== undefined && v !== undefined) labels[`dimension_${n}`] = v;
          });
        }
      }
    }
    if (name !== undefined && state !== undefined && changed !== undefined) {
      const { status, severity } = stateToAlert(state);
      const fp = arn ?? `${account}:${region}:${name}`;
      alerts.push({
        source: 'cloudwatch',
        fingerprint: fp,
        dedupKey: dedupKeyOf('cloudwatch', fp),
        status,
        severity,
        summary: description ?? name,
        labels: { alertname: name, state, ...(account && { account }), ...(region && { region }), ...labels },
        annotations: {
          reason,
          ...(description !== undefined && { description }),
          ...(oldState !== undefined && { old_state: oldState }),
          topic_arn: topicArn,
        },
        startsAt: changed,
        ...(status === 'resolved' && { endsAt: changed }),
        raw: alarmJson,
      });
    }
  }
  return finish('cloudwatch', r, () => ({
    source: 'cloudwatch',
    alerts,
    acknowledgements: [],
    truncatedAlerts: 0,
  }));
}
