import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  plugins: [svelte()],
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, target: 'es2022' },
  server: { port: 5173, proxy: { '/api': 'http://localhost:8080', '/auth': 'http://localhost:8080', '/health': 'http://localhost:8080' } },
});
