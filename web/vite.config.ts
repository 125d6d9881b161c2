import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

/**
 * The dashboard build. The output must run under the server's CSP (script-src 'self'): no inline
 * scripts and no eval, so the module-preload polyfill (an inline helper in some setups) is off and
 * assets are never inlined into the HTML.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `opsdeck serve` on its default address. The browser's Host header is kept (changeOrigin
    // off), so the server's CSRF check (Origin equal to the request's host) accepts the dev origin.
    proxy: Object.fromEntries(
      ['/api', '/readyz', '/healthz', '/metrics'].map((p) => [
        p,
        { target: 'http://127.0.0.1:8420', changeOrigin: false },
      ]),
    ),
  },
});
