import { str } from './json.js';
import type { EstateResource } from './model.js';

export type CertLevel = 'expired' | 'critical' | 'warning' | 'notice' | 'ok';

export interface CertificateStatus {
  arn: string;
  domain: string;
  notAfter: string | null;
  /** Whole days until NotAfter (negative when expired); null without a NotAfter. */
  daysToExpiry: number | null;
  /** expired (< 0), critical (<= 7), warning (<= 14), notice (<= 30), ok. */
  level: CertLevel;
  status: string | null;
  inUse: boolean | null;
}

export const CERT_THRESHOLDS = { notice: 30, warning: 14, critical: 7 } as const;

export function certLevel(days: number | null): CertLevel {
  if (days === null) return 'ok';
  if (days < 0) return 'expired';
  if (days <= CERT_THRESHOLDS.critical) return 'critical';
  if (days <= CERT_THRESHOLDS.warning) return 'warning';
  if (days <= CERT_THRESHOLDS.notice) return 'notice';
  return 'ok';
}

/** Days to expiry of ACM certificates (from list-certificates or describe-certificate exports). */
export function certificateStatuses(resources: readonly EstateResource[], now: Date): CertificateStatus[] {
  const out: CertificateStatus[] = [];
  for (const r of resources) {
    if (r.type !== 'aws_acm_certificate') continue;
    const notAfter = str(r.attributes['NotAfter']) ?? null;
    const t = notAfter ? Date.parse(notAfter) : NaN;
    const days = Number.isNaN(t) ? null : Math.floor((t - now.getTime()) / 86_400_000);
    const inUse = r.attributes['InUse'];
    const inUseBy = r.attributes['InUseBy'];
    out.push({
      arn: r.id,
      domain: r.name ?? '',
      notAfter,
      daysToExpiry: days,
      level: certLevel(days),
      status: r.state ?? null,
      inUse: typeof inUse === 'boolean' ? inUse : Array.isArray(inUseBy) ? inUseBy.length > 0 : null,
    });
  }
  return out.sort((a, b) => (a.daysToExpiry ?? Infinity) - (b.daysToExpiry ?? Infinity));
}
