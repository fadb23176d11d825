// The web console: built into dist/console, which `voxfleet serve` serves at `/`.
// `npx vite --config console/vite.config.ts` runs it against a server on :8080 while editing.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const backend = process.env.VOXFLEET_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact()],
  // The capture worklet is loaded with audioWorklet.addModule: an ES module (a classic worker
  // script would start with importScripts in dev, which worklets do not have).
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Every byte ships with the server; no inline data URLs (the CSP allows self only).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/v1': { target: backend, ws: true },
      '/healthz': backend,
    },
  },
});
