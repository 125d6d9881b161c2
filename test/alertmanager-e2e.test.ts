/**
 * End to end with a real Prometheus Alertmanager (Debian's prometheus-alertmanager 0.25): opsdeck
 * runs as `opsdeck serve` does (startServer: listening socket, migrations, background tasks such as
 * the inbox processor), an integration is created through the API, Alertmanager's webhook receiver
 * points at its ingest URL with the key as a Bearer token, and alerts are pushed into Alertmanager
 * with its v2 API. Asserted through opsdeck's HTTP API: one incident per Alertmanager group (as
 * Alertmanager grouped them: same `groupKey`, same fingerprints), and the incident resolves when
 * Alertmanager sends the resolved notification. On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/server.js';
import {
  alertmanagerAvailability,
  startAlertmanager,
  type GettableAlert,
  type RunningAlertmanager,
} from './helpers/alertmanager.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/server.js';

const alertmanager = alertmanagerAvailability();
const dialects = await testDialects();
const ADMIN_PASSWORD = 'alertmanager-e2e-admin-1';

interface IncidentBody {
  id: string;
  number: number;
  status: string;
  groupKey: string;
  alertCount: number;
  firingCount: number;
  labels: Record<string, string>;
  resolvedAt?: string;
}
interface AlertBody {
  dedupKey: string;
  fingerprint: string;
  status: string;
  labels: Record<string, string>;
  groupKey?: string;
}
interface IncidentDetail {
  incident: IncidentBody;
  alerts: AlertBody[];
  timeline: { kind: string }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or the time is up. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const started = Date.now();
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e as Error;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`,
      );
    }
    await sleep(200);
  }
}

for (const { dialect, available } of dialects) {
  describe.skipIf(!available || !alertmanager.available)(`Alertmanager -> opsdeck on ${dialect}`, () => {
    let database: TestDatabase;
    let dataDir: string;
    let server: RunningServer;
    let am: RunningAlertmanager;
    let cookie: string;
    let ingestUrl: string;

    const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          cookie,
          origin: server.url,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    };
    const incidents = async (): Promise<IncidentBody[]> =>
      (await api<{ items: IncidentBody[] }>('GET', '/api/incidents?limit=100')).items;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      dataDir = database.dir ?? mkdtempSync(path.join(tmpdir(), 'opsdeck-am-e2e-'));
      const quiet = new Writable({ write: (_c, _e, done) => done() });
      server = await startServer(
        testConfig({
          dataDir,
          databaseUrl: database.url,
          host: '127.0.0.1',
          port: 0,
          adminPassword: ADMIN_PASSWORD,
        }),
        { handleSignals: false, stdout: quiet },
      );
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
      cookie = login.headers
        .getSetCookie()
        .find((c) => c.startsWith('opsdeck_session='))!
        .split(';')[0]!;

      const created = await api<{ integration: { id: string; ingestUrl: string }; key: string }>(
        'POST',
        '/api/integrations',
        { name: 'Prometheus Alertmanager (e2e)', source: 'alertmanager' },
      );
      expect(created.key).toMatch(/.{20,}/);
      ingestUrl = created.integration.ingestUrl;
      expect(ingestUrl).toBe(`${server.url}/api/ingest/alertmanager/${created.integration.id}`);

      am = await startAlertmanager({
        webhook: { url: ingestUrl, bearer: created.key, sendResolved: true },
        groupBy: ['alertname', 'service'],
        groupWait: '1s',
        groupInterval: '1s',
      });
    });

    afterAll(async () => {
      await am?.stop();
      await server?.close();
      await database?.drop();
      if (dataDir && !database?.dir) rmSync(dataDir, { recursive: true, force: true });
    });

    const disk = (instance: string, endsAt?: string) => ({
      labels: { alertname: 'DiskFull', service: 'db', severity: 'critical', instance },
      annotations: { summary: `Disk of ${instance} is 97% full` },
      ...(endsAt ? { endsAt } : {}),
    });
    const latency = (endsAt?: string) => ({
      labels: { alertname: 'HighLatency', service: 'api', severity: 'warning', route: '/checkout' },
      annotations: { summary: 'p99 latency above 2 s' },
      ...(endsAt ? { endsAt } : {}),
    });

    it('opens one incident per Alertmanager group, holding the alerts Alertmanager grouped', async () => {
      await am.push([disk('db-1'), disk('db-2'), disk('db-3'), latency()]);

      const held = await eventually('Alertmanager to hold 4 alerts', async () => {
        const a = await am.alerts();
        return a.length === 4 ? a : undefined;
      });
      const fingerprints = (pred: (a: GettableAlert) => boolean) =>
        held
          .filter(pred)
          .map((a) => a.fingerprint)
          .sort();
      const diskFps = fingerprints((a) => a.labels['alertname'] === 'DiskFull');
      const latencyFps = fingerprints((a) => a.labels['alertname'] === 'HighLatency');
      expect(diskFps).toHaveLength(3);

      const both = await eventually('two incidents with all their alerts', async () => {
        const list = await incidents();
        const withAll = list.filter((i) => i.alertCount === (i.labels['alertname'] === 'DiskFull' ? 3 : 1));
        return list.length === 2 && withAll.length === 2 ? list : undefined;
      });
      const diskIncident = both.find((i) => i.labels['alertname'] === 'DiskFull')!;
      const latencyIncident = both.find((i) => i.labels['alertname'] === 'HighLatency')!;
      expect(diskIncident).toBeDefined();
      expect(latencyIncident).toBeDefined();
      expect(diskIncident.id).not.toBe(latencyIncident.id);
      expect(diskIncident).toMatchObject({ status: 'triggered', alertCount: 3, firingCount: 3 });
      expect(latencyIncident).toMatchObject({ status: 'triggered', alertCount: 1, firingCount: 1 });
      // Labels common to the group's alerts; the instance differs so it is not common.
      expect(diskIncident.labels).toMatchObject({
        alertname: 'DiskFull',
        service: 'db',
        severity: 'critical',
      });
      expect(diskIncident.labels['instance']).toBeUndefined();
      // Grouped by Alertmanager's own group key (route group_by: alertname, service).
      expect(diskIncident.groupKey).toContain('{}:{alertname="DiskFull", service="db"}');
      expect(latencyIncident.groupKey).toContain('{}:{alertname="HighLatency", service="api"}');

      const detail = await api<IncidentDetail>('GET', `/api/incidents/${diskIncident.id}`);
      expect(detail.alerts.map((a) => a.fingerprint).sort()).toEqual(diskFps);
      expect(detail.alerts.map((a) => a.labels['instance']).sort()).toEqual(['db-1', 'db-2', 'db-3']);
      expect(detail.alerts.every((a) => a.status === 'firing')).toBe(true);
      const other = await api<IncidentDetail>('GET', `/api/incidents/${latencyIncident.id}`);
      expect(other.alerts.map((a) => a.fingerprint)).toEqual(latencyFps);
    });

    it('resolves the incident when Alertmanager sends the resolved notification, and only that one', async () => {
      const past = new Date(Date.now() - 60_000).toISOString();
      await am.push([disk('db-1', past), disk('db-2', past), disk('db-3', past)]);

      const resolved = await eventually('the DiskFull incident to resolve', async () => {
        const i = (await incidents()).find((x) => x.labels['alertname'] === 'DiskFull');
        return i?.status === 'resolved' ? i : undefined;
      });
      expect(resolved.firingCount).toBe(0);
      expect(resolved.resolvedAt).toEqual(expect.any(String));
      const detail = await api<IncidentDetail>('GET', `/api/incidents/${resolved.id}`);
      expect(detail.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);

      // The other group is untouched: still firing after Alertmanager flushed its groups again.
      await sleep(2500);
      const still = (await incidents()).find((x) => x.labels['alertname'] === 'HighLatency')!;
      expect(still).toMatchObject({ status: 'triggered', firingCount: 1 });
      expect(await incidents()).toHaveLength(2);
    });

    it('a resolved alert firing again opens a new incident (next episode) for that group', async () => {
      await am.push([disk('db-2')]);
      const list = await eventually('a second DiskFull incident', async () => {
        const l = (await incidents()).filter((x) => x.labels['alertname'] === 'DiskFull');
        return l.length === 2 && l.some((x) => x.status === 'triggered') ? l : undefined;
      });
      const reopened = list.find((x) => x.status === 'triggered')!;
      expect(list.find((x) => x.status === 'resolved')).toBeDefined();
      expect(reopened).toMatchObject({ alertCount: 1, firingCount: 1 });
      expect(reopened.labels).toMatchObject({ alertname: 'DiskFull', instance: 'db-2' });
    });

    it('an Alertmanager with a wrong key is refused (401, counted on the integration) and opens nothing', async () => {
      const before = await incidents();
      const id = new URL(ingestUrl).pathname.split('/').pop()!;
      const failures = async () =>
        (await api<{ integration: { authFailures: number } }>('GET', `/api/integrations/${id}`)).integration
          .authFailures;
      const failuresBefore = await failures();
      const intruder = await startAlertmanager({
        webhook: { url: ingestUrl, bearer: 'not-the-key-of-this-integration-0' },
        groupBy: ['alertname'],
      });
      try {
        await intruder.push([{ labels: { alertname: 'Intruder', severity: 'critical' } }]);
        await eventually('the refused webhook to be counted', async () =>
          (await failures()) > failuresBefore ? true : undefined,
        );
        expect(intruder.log()).toMatch(/401/);
      } finally {
        await intruder.stop();
      }
      const after = await incidents();
      expect(after.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
      expect(after.some((i) => i.labels['alertname'] === 'Intruder')).toBe(false);
    });
  });
}
