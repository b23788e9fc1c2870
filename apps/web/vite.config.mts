import * as path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The web application, built into dist/web and served by the records API from `/` (one origin).
 * Everything is bundled: no CDN, no web fonts or scripts from outside (city networks are closed).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  build: {
    outDir: path.resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    assetsInlineLimit: 0, // no data: URLs for fonts or scripts; img-src allows data: only for pdf.js
    chunkSizeWarningLimit: 1500,
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    // `npx vite --config apps/web/vite.config.ts` for front-end work against a running `npm start`
    proxy: { '/api': 'http://127.0.0.1:3000', '/auth': 'http://127.0.0.1:3000' },
  },
});
