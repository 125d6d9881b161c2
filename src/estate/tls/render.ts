/** Text and JSON output of live TLS checks (`opsdeck certs check`). */
import pc from 'picocolors';
import type { CertLevel } from '../certificates.js';
import { isInvalid, levelAtOrBelow, type TlsCheckResult } from './probe.js';

export interface CheckSummary {
  targets: number;
  /** Results by expiry level; targets that could not be checked are counted in `errors`. */
  levels: Record<CertLevel, number>;
  /** Hostname mismatch, untrusted chain or weak key/signature. */
  invalid: number;
  errors: number;
  /** Targets at or below `failOn`, or invalid: what makes the command exit 1. */
  failing: number;
}

export function summarize(results: readonly TlsCheckResult[], failOn: CertLevel): CheckSummary {
  const levels: Record<CertLevel, number> = { expired: 0, critical: 0, warning: 0, notice: 0, ok: 0 };
  let invalid = 0;
  let errors = 0;
  let failing = 0;
  for (const r of results) {
    if (r.error || !r.level) {
      errors++;
      continue;
    }
    levels[r.level]++;
    const bad = isInvalid(r);
    if (bad) invalid++;
    if (bad || levelAtOrBelow(r.level, failOn)) failing++;
  }
  return { targets: results.length, levels, invalid, errors, failing };
}

type Colors = ReturnType<typeof pc.createColors>;

function paintLevel(c: Colors, r: TlsCheckResult): string {
  const label = (r.error ? 'ERROR' : (r.level ?? '?').toUpperCase()).padEnd(8);
  if (r.error) return c.bold(c.magenta(label));
  switch (r.level) {
    case 'expired':
    case 'critical':
      return c.bold(c.red(label));
    case 'warning':
      return c.yellow(label);
    case 'notice':
      return c.cyan(label);
    default:
      return c.green(label);
  }
}

export function renderChecksText(
  results: readonly TlsCheckResult[],
  failOn: CertLevel,
  color: boolean,
): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  for (const r of results) {
    const days = r.daysToExpiry === null ? '-' : String(r.daysToExpiry);
    const expires = r.notAfter ? r.notAfter.slice(0, 10) : '-';
    const head = `${paintLevel(c, r)} ${days.padStart(5)} days  ${expires.padEnd(10)}  ${c.bold(r.target)}`;
    const leaf = r.chain[0];
    const detail = leaf
      ? c.dim(
          `  ${leaf.commonName ? `CN=${leaf.commonName}` : leaf.subject}; issuer ${leaf.issuer}; ` +
            `${leaf.keyType.toUpperCase()}${leaf.keyBits ? ` ${leaf.keyBits}` : ''}; ${r.protocol ?? '?'} ${r.cipher ?? ''}`.trimEnd(),
        )
      : '';
    lines.push(`${head}${detail}`);
    for (const p of r.problems) lines.push(`         - ${p}`);
  }
  const s = summarize(results, failOn);
  const parts = (['expired', 'critical', 'warning', 'notice', 'ok'] as const)
    .filter((l) => s.levels[l] > 0)
    .map((l) => `${s.levels[l]} ${l}`);
  if (s.invalid) parts.push(`${s.invalid} invalid (hostname, trust or weak key)`);
  if (s.errors) parts.push(`${s.errors} could not be checked`);
  lines.push('');
  lines.push(
    `${s.targets} target${s.targets === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}; ` +
      `${s.failing} at or below --fail-on ${failOn} or invalid`,
  );
  return `${lines.join('\n')}\n`;
}

export function renderChecksJson(results: readonly TlsCheckResult[], failOn: CertLevel): string {
  return `${JSON.stringify({ failOn, summary: summarize(results, failOn), results }, null, 2)}\n`;
}
