import type { OpsdeckConfig } from '../../config/index.js';
import { LINK_TTL_MS, notifyKeys, signLink, type LinkAction } from './secrets.js';

/** The dashboard's base URL: `public_url`, else the listen address. */
export function baseUrl(config: OpsdeckConfig): string {
  if (config.publicUrl) return config.publicUrl;
  const scheme = config.tls ? 'https' : 'http';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${scheme}://${host}:${config.port}`;
}

/**
 * A signed link to the dashboard page `/ack/<token>`, which shows the incident and the action and
 * performs it only on a button click (a POST): mail scanners prefetching the link change nothing.
 */
export function actionLink(
  config: OpsdeckConfig,
  claims: { incidentId: string; action: LinkAction; userId: string },
  now: Date,
  ttlMs = LINK_TTL_MS,
): string {
  const token = signLink(notifyKeys(config).linkKey, {
    ...claims,
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
  });
  return `${baseUrl(config)}/ack/${token}`;
}

export function incidentLink(config: OpsdeckConfig, incidentId: string): string {
  return `${baseUrl(config)}/incidents/${encodeURIComponent(incidentId)}`;
}
