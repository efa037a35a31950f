import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite` (dev) proxies the API and the live socket to a server on KUZET_DEV_API (default :8080)
const api = process.env.KUZET_DEV_API ?? 'http://127.0.0.1:8080';
export default defineConfig(({ command, mode }) => {
  // A build is always React's production build: a NODE_ENV inherited from the caller (vitest sets "test") would
  // otherwise make Vite bundle React's development build — 30% larger and several times slower to render.
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    plugins: [react()],
    build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1500 },
    server: { proxy: { '/api': { target: api, ws: true } } },
  };
});
