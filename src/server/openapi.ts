import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { swaggerUiCsp } from './security-headers.js';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PREFIX = '/api/docs';

/** Collects every route's schema into an OpenAPI 3.1 document. Register before the routes. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'opsdeck API',
        version,
        description:
          'Self-hosted cloud operations platform. Authenticate with the `opsdeck_session` cookie ' +
          '(POST /api/auth/login) or `Authorization: Bearer odk_...` API tokens. Errors are ' +
          '`{ error: { code, message, details } }` with the codes of docs/errors.md.',
      },
      components: {
        securitySchemes: {
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'opsdeck_session' },
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token `odk_...`' },
        },
      },
    },
    // Shared schemas appear under their $id (`ErrorResponse`) instead of `def-<n>`.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
    // Route-level `security` is filled from `config.permission` (see app.ts).
  });
}

/** GET /api/openapi.json and the swagger-ui pages under /api/docs. Register after the routes. */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    OPENAPI_PATH,
    {
      config: { permission: 'public' },
      schema: {
        hide: true,
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    () => app.swagger(),
  );
  await app.register(async (scope) => {
    // swagger-ui's pages and assets are public documentation.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: 'public' };
    });
    await scope.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      staticCSP: true,
      transformStaticCSP: swaggerUiCsp,
      uiConfig: { docExpansion: 'list', deepLinking: false },
    });
  });
}
