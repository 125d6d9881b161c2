import { systemClock } from './src/core/clock.js';
import { processInbox } from './src/server/ops/processor.js';
import { createStore, openDatabase } from './src/store/index.js';
import { createTestDatabase } from './test/helpers/databases.js';
for (const dialect of ['sqlite', 'postgres'] as const) {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.url);
  const store = createStore(handle);
  await store.migrate();
  const { integration } = await store.ops.integrations.create({ name: 'b', source: 'alertmanager', createdBy: 'b' });
  const body = JSON.stringify({ version: '4', groupKey: 'g', status: 'firing', receiver: 'r', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://x', truncatedAlerts: 0,
    alerts: [{ status: 'firing', labels: { alertname: 'Nul', x: 'a\u0000b' }, annotations: { summary: 's\u0000' }, startsAt: '2026-11-27T08:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f1' }] });
  try {
    await store.ops.accept([{ integrationId: integration.id, receivedAt: new Date().toISOString(), source: 'alertmanager', body, count: 1 }]);
    console.log(dialect, 'accepted');
    const n = await processInbox({ store, clock: systemClock }, { maxBatches: 5 });
    console.log(dialect, 'processed', n, 'inbox left', await store.ops.inbox.count(), await store.ops.alerts.get('alertmanager:f1').then((a) => JSON.stringify(a?.labels)));
  } catch (e) { console.log(dialect, 'error', (e as Error).message); }
  await handle.close(); await database.drop();
}
