import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChildLogger } from '../src/server/logging.js';

/** A Fastify app on opsdeck's logger with the lazy request loggers; counts the pino children made. */
async function app(): Promise<{
  app: ReturnType<typeof Fastify>;
  lines: () => Record<string, unknown>[];
  children: () => number;
}> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination: sink });
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof logger.child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  const fastify = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLogger });
  fastify.post('/quiet', { logLevel: 'warn' }, (request, reply) => {
    request.log.info('not logged at warn');
    request.log.debug('not logged either');
    return reply.send({ ok: true });
  });
  fastify.post('/refused', { logLevel: 'warn' }, (request, reply) => {
    request.log.warn({ reason: 'wrong_key' }, 'ingest refused');
    return reply.send({ ok: false });
  });
  fastify.get('/loud', (request, reply) => {
    request.log.info({ answer: 42 }, 'handled');
    return reply.send({ ok: true });
  });
  await fastify.ready();
  children = 0; // Fastify's own loggers of its start
  return {
    app: fastify,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    children: () => children,
  };
}

describe('request loggers (lazyChildLogger)', () => {
  it('makes no pino child for a request that logs nothing at its route level', async () => {
    const t = await app();
    for (let i = 0; i < 3; i++)
      expect((await t.app.inject({ method: 'POST', url: '/quiet' })).statusCode).toBe(200);
    expect(t.children()).toBe(0);
    expect(t.lines().filter((l) => l['reqId'] !== undefined)).toEqual([]);
  });

  it('logs a line at the route level with the request id and the logger base fields', async () => {
    const t = await app();
    const res = await t.app.inject({ method: 'POST', url: '/refused' });
    expect(res.statusCode).toBe(200);
    expect(t.children()).toBe(1);
    const [line, ...rest] = t.lines().filter((l) => l['msg'] === 'ingest refused');
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 40, reason: 'wrong_key', service: 'opsdeck' });
    expect(line!['reqId']).toEqual(expect.any(String));
  });

  it('keeps the access log of routes at info: one child per request, every line with its id', async () => {
    const t = await app();
    await t.app.inject({ method: 'GET', url: '/loud' });
    expect(t.children()).toBe(1);
    const lines = t.lines();
    expect(lines.map((l) => l['msg'])).toEqual(['incoming request', 'handled', 'request completed']);
    const ids = new Set(lines.map((l) => l['reqId']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
    expect(lines[1]).toMatchObject({ answer: 42 });
  });

  it('answers level like the child it stands for', () => {
    const logger = createLogger({ level: 'info' });
    const lazy = lazyChildLogger(logger, { reqId: 'r1' }, { level: 'warn' });
    expect(lazy.level).toBe('warn');
    expect(lazyChildLogger(logger, { reqId: 'r2' }, {}).level).toBe('info');
    lazy.level = 'error';
    expect(lazy.level).toBe('error');
  });
});
