import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { systemClock } from './src/core/clock.js';
import { processInbox } from './src/server/ops/processor.js';
import { createStore, openDatabase } from './src/store/index.js';
import type { AcceptInput } from './src/store/ops/index.js';
import { nextAlerts, webhookBody } from './bench/alert-load.js';
import { createTestDatabase } from './test/helpers/databases.js';

const dialect = (process.argv[2] ?? 'postgres') as 'postgres' | 'sqlite';
const size = Number(process.argv[3] ?? 50);
const total = Number(process.argv[4] ?? 30000);
const database = await createTestDatabase(dialect);
const handle = openDatabase(database.url);
const store = createStore(handle);
await store.migrate();
const { integration } = await store.ops.integrations.create({ name: 'b', source: 'alertmanager', createdBy: 'b' });
for (let i = 0; i < total / size / 10; i++) {
  const inputs: AcceptInput[] = Array.from({ length: 10 }, () => {
    const { group, alerts } = nextAlerts(size);
    return { integrationId: integration.id, receivedAt: new Date().toISOString(), source: 'alertmanager', body: webhookBody(group, alerts), count: size };
  });
  await store.ops.accept(inputs);
}
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const t0 = performance.now();
await processInbox({ store, clock: systemClock });
const ms = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
writeFileSync(`/tmp/proc-${dialect}.cpuprofile`, JSON.stringify(profile));
console.log(`${dialect}: ${((ms * 1000) / total).toFixed(1)} µs/alert`);
await handle.close();
await database.drop();
