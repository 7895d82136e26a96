/**
 * The browser UI's build. `npm start` builds it when web/dist is missing or older than the sources
 * (scripts/build-web.ts); `bes serve` serves web/dist (src/server/web). For development with hot reload,
 * `npx vite web` proxies /api to a running `bes serve` (BES_API, default http://127.0.0.1:3000).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': { target: process.env.BES_API ?? 'http://127.0.0.1:3000' } },
  },
});
