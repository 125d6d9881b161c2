import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

export async function registerSecurityHeaders(app: FastifyInstance, tls: boolean): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { ...DASHBOARD_CSP_DIRECTIVES } },
    // HSTS only means something over TLS; over plain HTTP it would be ignored or misleading.
    strictTransportSecurity: tls ? { maxAge: 15552000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    // Same answer as CSP frame-ancestors 'none', for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' },
  });
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
