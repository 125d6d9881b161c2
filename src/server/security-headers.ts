import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Content-Security-Policy of the dashboard and the API: only same-origin scripts and connections,
 * no framing. Mantine injects <style> elements at run time, hence 'unsafe-inline' for styles only.
 */
export const DASHBOARD_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
} as const;

/**
 * helmet's headers on every response. They depend only on the configuration, so helmet runs once
 * at start-up and each request gets the recorded headers: @fastify/helmet re-created helmet's
 * middleware on every request (its directive parsing was 5% of an ingest request's CPU).
 */
export function securityHeaders(tls: boolean): Record<string, string> {
  const recorded: Record<string, string> = {};
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...DASHBOARD_CSP_DIRECTIVES } },
    // HSTS only means something over TLS; over plain HTTP it would be ignored or misleading.
    strictTransportSecurity: tls ? { maxAge: 15552000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    // Same answer as CSP frame-ancestors 'none', for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' },
  });
  const response = {
    setHeader(name: string, value: string | number | readonly string[]): void {
      recorded[name] = String(value);
    },
    removeHeader(): void {
      // X-Powered-By: Fastify never sets it.
    },
  };
  let failure: unknown;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (e?: unknown) => {
    failure = e;
  });
  if (failure instanceof Error) throw failure;
  return recorded;
}

/** Sets the security headers on every response Fastify sends; returns them (the ingest fast path sends them too). */
export function registerSecurityHeaders(app: FastifyInstance, tls: boolean): Record<string, string> {
  const headers = securityHeaders(tls);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  return headers;
}

/**
 * The CSP of the swagger-ui pages: swagger-ui's own inline-script hashes (computed by the plugin)
 * plus data: images, still without framing; upgrade-insecure-requests is dropped so the docs work
 * over plain HTTP on a LAN address.
 */
export function swaggerUiCsp(header: string): string {
  return header
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'");
}
