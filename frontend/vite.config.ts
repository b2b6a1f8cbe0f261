import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `base: './'` makes every asset URL relative to index.html, which is served at `/` both by the Wails asset
// server (wails://wails/ or http://wails.localhost/) and by the Go room server for browser guests.
//
// `npm run dev` proxies Socket.IO to a running room server (PARLEY_SERVER, default http://127.0.0.1:7800), so the
// dev page can join rooms with its own origin as the server address.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/socket.io': { target: process.env.PARLEY_SERVER ?? 'http://127.0.0.1:7800', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
