import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OpsdeckError } from '../core/errors.js';
import { sendError } from './errors.js';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>opsdeck</title></head>
<body><h1>opsdeck</h1>
<p>The API is running, but the web dashboard has not been built.
Run <code>npm run build</code> (or <code>npm run build:web</code>) and restart <code>opsdeck serve</code>.</p>
<p>API documentation: <a href="/api/docs">/api/docs</a></p>
</body></html>
`;

/** Paths that belong to the API or to operations endpoints: never answered with the SPA. */
function isApiPath(url: string): boolean {
  const p = url.split('?')[0] ?? url;
  return p === '/api' || p.startsWith('/api/') || p === '/healthz' || p === '/readyz' || p === '/metrics';
}

function wantsSpa(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.url);
}

/**
 * Serves the built dashboard (web/dist) with a fallback to index.html for client-side routes,
 * and answers everything else that matches no route with OPSDECK_E_NOT_FOUND.
 */
export async function registerDashboard(app: FastifyInstance, distDir: string): Promise<void> {
  const built = existsSync(path.join(distDir, 'index.html'));
  if (built) {
    await app.register(async (scope) => {
      // Files of the built dashboard are public; declared here for every route this scope adds.
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, permission: 'public' };
        route.schema = { ...route.schema, hide: true };
      });
      await scope.register(fastifyStatic, {
        root: distDir,
        wildcard: true,
        index: ['index.html'],
        // Hashed asset names never change content; index.html must be revalidated.
        setHeaders: (res, filePath) => {
          void res.header(
            'cache-control',
            filePath.includes(`${path.sep}assets${path.sep}`)
              ? 'public, max-age=31536000, immutable'
              : 'no-cache',
          );
        },
      });
    });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsSpa(request)) {
      if (built) {
        const html = await readFile(path.join(distDir, 'index.html'));
        await reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
        return reply;
      }
      await reply.code(200).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      return reply;
    }
    await sendError(
      reply,
      new OpsdeckError('OPSDECK_E_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`, [
        { path: request.url.split('?')[0] ?? request.url, message: 'no such route' },
      ]),
    );
    return reply;
  });
}
