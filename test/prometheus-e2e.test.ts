/**
 * The shipped Prometheus example (examples/prometheus/): a real Prometheus (Debian's `prometheus`)
 * scrapes a listening opsdeck with an API token that may only read metrics, and evaluates
 * opsdeck-rules.yml against what it scraped. `promtool` checks both files; every rule loads and
 * evaluates without error; every opsdeck metric a rule names is one opsdeck exposes; and a rule
 * fires on what it watches (malformed ingest payloads).
 *
 * The binaries are `/usr/bin/prometheus` and `/usr/bin/promtool`. Missing: the tests fail when
 * CI=true (.ci/run installs the package), otherwise they skip with the reason printed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from './helpers/alertmanager.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const EXAMPLES = path.resolve(import.meta.dirname, '../examples/prometheus');
const RULES = path.join(EXAMPLES, 'opsdeck-rules.yml');

function prometheusAvailable(): boolean {
  try {
    accessSync(PROMETHEUS, constants.X_OK);
    accessSync(PROMTOOL, constants.X_OK);
    return true;
  } catch {
    const reason = `${PROMETHEUS} or ${PROMTOOL} is missing (apt-get install prometheus)`;
    if (process.env['CI'] === 'true') throw new Error(`${reason} [CI=true: the Prometheus tests must run]`);
    console.warn(`skipping the Prometheus tests: ${reason}`);
    return false;
  }
}

const run = promisify(execFile);

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface RuleState {
  name: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
  query: string;
}

describe.skipIf(!prometheusAvailable())('the Prometheus example scraping a real opsdeck', () => {
  let s: TestServer;
  let prometheus: ChildProcess | undefined;
  let promUrl: string;
  let token: string;
  let integration: { id: string; key: string };
  const work = mkdtempSync(path.join(tmpdir(), 'opsdeck-prometheus-'));

  /** A JSON API of Prometheus: its `data`. */
  async function prom<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${promUrl}${pathAndQuery}`);
    const body = (await res.json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`${pathAndQuery}: ${JSON.stringify(body)}`);
    return body.data;
  }

  /** A malformed Alertmanager payload sent with the integration's key (400, kept as a dead letter). */
  async function sendMalformed(): Promise<void> {
    const res = await fetch(`${s.baseUrl}/api/ingest/alertmanager/${integration.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', groupKey: 'g', alerts: [{ status: 'firing' }] }),
    });
    expect(res.status).toBe(400);
  }

  beforeAll(async () => {
    s = await startTestServer({ dialect: 'sqlite' });
    const login = await fetch(`${s.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.baseUrl },
      body: JSON.stringify({ username: 'admin', password: s.adminPassword }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const post = async (url: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${s.baseUrl}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: s.baseUrl },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return res.json();
    };
    // What the example's comment tells operators to create: a token that may only read metrics.
    token = (
      (await post('/api/tokens', { name: 'prometheus', scopes: ['metrics:read'], expiresInDays: 1 })) as {
        secret: string;
      }
    ).secret;
    const made = (await post('/api/integrations', { name: 'am', source: 'alertmanager' })) as {
      integration: { id: string };
      key: string;
    };
    integration = { id: made.integration.id, key: made.key };

    // The example's configuration, pointed at this server, scraping and evaluating every second.
    const config = parse(readFileSync(path.join(EXAMPLES, 'prometheus.yml'), 'utf8')) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        authorization: { credentials_file: string };
        static_configs: { targets: string[] }[];
      }[];
    };
    const tokenFile = path.join(work, 'opsdeck-token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
    config.rule_files = config.rule_files.map((f) => path.join(EXAMPLES, f));
    const job = config.scrape_configs.find((c) => c.job_name === 'opsdeck')!;
    job.authorization.credentials_file = tokenFile;
    job.static_configs = [{ targets: [new URL(s.baseUrl).host] }];
    const configFile = path.join(work, 'prometheus.yml');
    writeFileSync(configFile, stringify(config));
    await run(PROMTOOL, ['check', 'config', configFile]);

    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await until('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes promtool check rules', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: 7 rules found/);
  });

  it('scrapes /metrics with the metrics:read token, which reads nothing else', async () => {
    const target = await until('the opsdeck target up', async () => {
      const data = await prom<{
        activeTargets: { labels: { job: string }; health: string; lastError: string }[];
      }>('/api/v1/targets');
      const t = data.activeTargets.find((x) => x.labels.job === 'opsdeck');
      return t?.health === 'up' ? t : undefined;
    });
    expect(target.lastError).toBe('');
    const incidents = await fetch(`${s.baseUrl}/api/incidents`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(incidents.status).toBe(403);
  });

  it('loads every rule, evaluates it without error, and names only metrics opsdeck exposes', async () => {
    const rules = await until('every rule evaluated', async () => {
      const data = await prom<{ groups: { name: string; rules: RuleState[] }[] }>('/api/v1/rules');
      const all = data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => !r.lastEvaluation.startsWith('0001')) ? all : undefined;
    });
    expect(rules.map((r) => r.name).sort()).toEqual([
      'OpsdeckDown',
      'OpsdeckIncidentBacklog',
      'OpsdeckIngestKeyRefused',
      'OpsdeckIngestMalformed',
      'OpsdeckJobsFailing',
      'OpsdeckServerErrors',
      'OpsdeckSqliteLockContention',
    ]);
    for (const r of rules)
      expect({ rule: r.name, health: r.health, error: r.lastError ?? '' }).toEqual({
        rule: r.name,
        health: 'ok',
        error: '',
      });

    const exposed = await fetch(`${s.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const text = await exposed.text();
    const named = new Set(rules.flatMap((r) => r.query.match(/\bopsdeck_[a-z_]+/g) ?? []));
    expect([...named].sort()).toEqual([
      'opsdeck_http_request_duration_seconds_count',
      'opsdeck_ingest_malformed_total',
      'opsdeck_ingest_rejected_total',
      'opsdeck_jobs_runs_total',
      'opsdeck_ops_inbox_batches',
      'opsdeck_sqlite_lock_wait_seconds_total',
    ]);
    for (const name of named) {
      // A histogram's series are <name>_count, _sum and _bucket under one TYPE line.
      const family = name.replace(/_(count|sum|bucket)$/, '');
      expect(text, name).toMatch(new RegExp(`^# TYPE (${name}|${family}) `, 'm'));
    }
    // The one target is up: OpsdeckDown is quiet.
    const up = await prom<{ result: { value: [number, string] }[] }>(
      `/api/v1/query?query=${encodeURIComponent('up{job="opsdeck"}')}`,
    );
    expect(up.result.map((r) => r.value[1])).toEqual(['1']);
  });

  it('fires OpsdeckIngestMalformed once malformed payloads arrive', async () => {
    // increase() needs the counter seen before and after: one payload, a scrape, then another.
    await sendMalformed();
    await until('the malformed counter scraped', async () => {
      const data = await prom<{ result: unknown[] }>(
        `/api/v1/query?query=${encodeURIComponent('opsdeck_ingest_malformed_total{job="opsdeck"}')}`,
      );
      return data.result.length > 0 ? true : undefined;
    });
    await sendMalformed();
    const alert = await until('OpsdeckIngestMalformed firing', async () => {
      const data = await prom<{ alerts: { labels: Record<string, string>; state: string }[] }>(
        '/api/v1/alerts',
      );
      return data.alerts.find(
        (a) => a.labels['alertname'] === 'OpsdeckIngestMalformed' && a.state === 'firing',
      );
    });
    expect(alert.labels).toMatchObject({ source: 'alertmanager', severity: 'warning' });
    // Nothing else fires on a healthy server.
    const others = (
      await prom<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts')
    ).alerts
      .filter((a) => a.labels['alertname'] !== 'OpsdeckIngestMalformed')
      .map((a) => a.labels['alertname']);
    expect(others).toEqual([]);
  });
});
