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
    proxy: {
      '/api': 'http://127.0.0.1:8420',
      '/readyz': 'http://127.0.0.1:8420',
      '/healthz': 'http://127.0.0.1:8420',
    },
  },
});
