/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, 0.25 on bookworm) for tests
 * and benchmarks: started on a free loopback port with a generated configuration, gossip off
 * (`--cluster.listen-address=` empty), its own temp storage; alerts pushed through its v2 HTTP API.
 *
 * The binary is `/usr/bin/prometheus-alertmanager` unless `OPSDECK_ALERTMANAGER_BIN` names
 * another. Missing binary: tests fail when CI=true, otherwise they skip with the reason printed once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export const ALERTMANAGER_BIN = process.env['OPSDECK_ALERTMANAGER_BIN'] || '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerAvailability {
  available: boolean;
  /** Why Alertmanager tests are skipped. */
  reason?: string;
}

let warned = false;

/** Whether the Alertmanager binary is here. Throws when CI=true and it is not. */
export function alertmanagerAvailability(): AlertmanagerAvailability {
  try {
    accessSync(ALERTMANAGER_BIN, constants.X_OK);
    return { available: true };
  } catch {
    const reason = `${ALERTMANAGER_BIN} is missing (apt-get install prometheus-alertmanager, or set OPSDECK_ALERTMANAGER_BIN)`;
    if (process.env['CI'] === 'true') throw new Error(`${reason} [CI=true: Alertmanager tests must run]`);
    if (!warned) console.warn(`skipping Alertmanager tests: ${reason}`);
    warned = true;
    return { available: false, reason };
  }
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface WebhookReceiver {
  /** Where Alertmanager POSTs its webhook (version 4) payloads. */
  url: string;
  /** Sent as `Authorization: Bearer <credentials>` (Alertmanager's `http_config.authorization`). */
  bearer?: string;
  /** Send notifications for resolved alerts (default true). */
  sendResolved?: boolean;
  /** Alerts per notification (0 = all, Alertmanager's default). */
  maxAlerts?: number;
}

export interface AlertmanagerOptions {
  /** Where notifications go; without one the route ends in a receiver with no integrations. */
  webhook?: WebhookReceiver;
  /** Route `group_by` labels (default `['alertname']`). */
  groupBy?: string[];
  /** Route timings, in Alertmanager's duration syntax (defaults: 1s, 1s, 1h). */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Global `resolve_timeout` (default 5m). */
  resolveTimeout?: string;
  /** Where Alertmanager's own log goes (default: kept in memory, see `log()`). */
  stderr?: 'inherit' | 'buffer';
}

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it (postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  /** In the past: the alert is resolved. */
  endsAt?: string;
  generatorURL?: string;
}

/** An alert as `GET /api/v2/alerts` returns it (gettableAlert, the fields used here). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  startsAt: string;
  endsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  pid: number;
  /** The generated configuration (YAML), for messages. */
  config: string;
  /** Pushes alerts (`POST /api/v2/alerts`); throws unless Alertmanager answers 200. */
  push(alerts: PostableAlert[]): Promise<void>;
  /** The alerts Alertmanager holds (`GET /api/v2/alerts`). */
  alerts(): Promise<GettableAlert[]>;
  /** Alertmanager's own log so far (when stderr is buffered). */
  log(): string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the storage directory. */
  stop(): Promise<void>;
}

/** The Alertmanager configuration for the options, as YAML. */
export function alertmanagerConfig(options: AlertmanagerOptions): string {
  const receiver: Record<string, unknown> = { name: options.webhook ? 'opsdeck' : 'blackhole' };
  if (options.webhook) {
    const hook: Record<string, unknown> = {
      url: options.webhook.url,
      send_resolved: options.webhook.sendResolved ?? true,
      max_alerts: options.webhook.maxAlerts ?? 0,
    };
    if (options.webhook.bearer !== undefined) {
      hook['http_config'] = { authorization: { type: 'Bearer', credentials: options.webhook.bearer } };
    }
    receiver['webhook_configs'] = [hook];
  }
  return stringify({
    global: { resolve_timeout: options.resolveTimeout ?? '5m' },
    route: {
      receiver: receiver['name'],
      group_by: options.groupBy ?? ['alertname'],
      group_wait: options.groupWait ?? '1s',
      group_interval: options.groupInterval ?? '1s',
      repeat_interval: options.repeatInterval ?? '1h',
    },
    receivers: [receiver],
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Alertmanager and resolves once `/-/ready` answers 200. Retries on another port when the
 * chosen one was taken in between (free-port race).
 */
export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<RunningAlertmanager> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnce(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsdeck-am-'));
  const config = alertmanagerConfig(options);
  const configFile = path.join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config, { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const chunks: string[] = [];
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'ignore', options.stderr === 'inherit' ? 'inherit' : 'pipe'] },
  );
  child.stderr?.on('data', (c: Buffer) => {
    chunks.push(c.toString('utf8'));
    if (chunks.length > 2000) chunks.splice(0, 1000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `Alertmanager exited (${child.exitCode ?? child.signalCode}) before ready:\n${chunks.join('')}`,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 20_000) {
      await stop();
      throw new Error(`Alertmanager not ready within 20 s:\n${chunks.join('')}`);
    }
    await sleep(50);
  }

  return {
    url,
    pid: child.pid!,
    config,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (res.status !== 200)
        throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (res.status !== 200) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
      return (await res.json()) as GettableAlert[];
    },
    log: () => chunks.join(''),
    stop,
  };
}
