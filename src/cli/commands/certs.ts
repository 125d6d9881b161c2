/**
 * `opsdeck certs check host[:port] ...`: live TLS checks of endpoints (days to expiry with the
 * 30/14/7 thresholds, hostname mismatch, self-signed or untrusted chains, weak keys).
 *
 * Exit codes: 0 every certificate is fine, 1 a certificate is at or below --fail-on or is invalid
 * (hostname mismatch, untrusted chain, weak key or signature), 2 usage error, 3 a target could not
 * be checked (OPSDECK_E_TLS_CHECK: DNS, refused, timeout, not TLS) or --ca cannot be read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { OpsdeckError } from '../../core/errors.js';
import type { CertLevel } from '../../estate/certificates.js';
import { checkTargets, parseTarget, splitPem, type TlsTarget } from '../../estate/tls/probe.js';
import { renderChecksJson, renderChecksText, summarize } from '../../estate/tls/render.js';
import type { CliContext } from '../cli-context.js';

const FORMATS = ['text', 'json'] as const;
const FAIL_ON = ['expired', 'critical', 'warning', 'notice'] as const;

interface CheckFlags {
  format: (typeof FORMATS)[number];
  timeout: string;
  ca?: string;
  failOn: (typeof FAIL_ON)[number];
  resolve: string[];
  concurrency: string;
  now?: string;
}

function usage(message: string, where: string): OpsdeckError {
  return new OpsdeckError('OPSDECK_E_USAGE', message, [{ path: where, message }]);
}

function positiveInt(v: string, flag: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw usage(`${flag} expects an integer 1-${max}, got "${v}"`, flag);
  return n;
}

/** `--resolve name:port:address` (as curl): connect to address, send and check `name`. */
function parseResolve(specs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const spec of specs) {
    const m = /^([^:\s]+):(\d+):(\[[0-9a-fA-F:.]+\]|[^:\s]+)$/.exec(spec);
    if (!m) throw usage(`--resolve expects name:port:address, got "${spec}"`, '--resolve');
    map.set(`${m[1]!.toLowerCase()}:${m[2]}`, m[3]!.replace(/^\[|\]$/g, ''));
  }
  return map;
}

async function checkAction(ctx: CliContext, specs: string[], flags: CheckFlags): Promise<void> {
  const timeoutMs = positiveInt(flags.timeout, '--timeout', 600_000);
  const concurrency = positiveInt(flags.concurrency, '--concurrency', 256);
  const resolve = parseResolve(flags.resolve);
  const nowText = flags.now ?? ctx.env['OPSDECK_NOW'];
  const now = nowText === undefined ? new Date() : new Date(Date.parse(nowText));
  if (Number.isNaN(now.getTime())) throw usage(`--now expects an ISO-8601 time, got "${nowText}"`, '--now');

  const targets: TlsTarget[] = specs.map((spec, i) => {
    const t = parseTarget(spec);
    if (typeof t === 'string') throw usage(t, `<targets>[${i}]`);
    const address = resolve.get(`${t.host}:${t.port}`);
    return address ? { host: address, port: t.port, servername: t.host } : t;
  });

  let ca: string | undefined;
  if (flags.ca) {
    const file = path.resolve(ctx.cwd, flags.ca);
    try {
      ca = await readFile(file, 'utf8');
      splitPem(ca);
    } catch (e) {
      throw new OpsdeckError('OPSDECK_E_IO', `cannot use --ca ${flags.ca}`, [
        { path: flags.ca, message: e instanceof Error ? e.message : String(e) },
      ]);
    }
  }

  const results = await checkTargets(targets, {
    now,
    timeoutMs,
    concurrency,
    ...(ca !== undefined ? { ca } : {}),
  });
  const failOn: CertLevel = flags.failOn;
  const color = Boolean(ctx.stdout.isTTY) && ctx.env['NO_COLOR'] === undefined;
  ctx.stdout.write(
    flags.format === 'json' ? renderChecksJson(results, failOn) : renderChecksText(results, failOn, color),
  );
  const summary = summarize(results, failOn);
  if (summary.errors > 0) {
    ctx.stderr.write(
      `error OPSDECK_E_TLS_CHECK: ${summary.errors} of ${summary.targets} target${summary.targets === 1 ? '' : 's'} could not be checked\n`,
    );
    for (const r of results)
      if (r.error) ctx.stderr.write(`  ${r.target}: ${r.error.reason}: ${r.error.message}\n`);
    ctx.exitCode = 3;
  } else {
    ctx.exitCode = summary.failing > 0 ? 1 : 0;
  }
}

export function registerCerts(program: Command, ctx: CliContext): void {
  const certs = program.command('certs').description('TLS certificates: live checks of endpoints');
  certs
    .command('check')
    .description(
      'Connect with TLS (SNI) to each endpoint and report days to expiry (30/14/7-day thresholds), ' +
        'hostname mismatch, self-signed or untrusted chains and weak keys',
    )
    .argument('<targets...>', 'endpoints as host[:port] (port 443 by default; [v6]:port)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--timeout <ms>', 'connect + handshake timeout per endpoint, in milliseconds', '10000')
    .option('--ca <file>', 'extra trusted CA certificates (PEM bundle), added to the bundled roots')
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a certificate is at or below this level')
        .choices(FAIL_ON)
        .default('warning'),
    )
    .option(
      '--resolve <name:port:address>',
      'connect to address for name:port (SNI and hostname check still use name); repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--concurrency <n>', 'endpoints checked at once', '8')
    .option('--now <time>', 'count days to expiry from this time (ISO-8601; default: now, or OPSDECK_NOW)')
    .addHelpText(
      'after',
      `
Levels: expired (< 0 days), critical (<= 7), warning (<= 14), notice (<= 30), ok.
Exit codes: 0 all fine; 1 a certificate is at or below --fail-on, or invalid (hostname mismatch,
untrusted or self-signed chain, RSA < 2048 / EC < 256 bits, SHA-1 or MD5 signature); 2 usage;
3 an endpoint could not be checked (OPSDECK_E_TLS_CHECK) or --ca cannot be read.

Examples:
  opsdeck certs check example.com github.com:443
  opsdeck certs check internal.example:8443 --ca corp-root.pem --fail-on critical
  opsdeck certs check api.example.com --resolve api.example.com:443:10.0.0.5 --format json
`,
    )
    .action(async (targets: string[], flags: CheckFlags) => {
      await checkAction(ctx, targets, flags);
    });
}
