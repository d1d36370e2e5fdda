import { defineConfig } from 'vite';
import { shippedAssets } from './vite/shipped-assets';

// Relative base: the built site works from any folder (a static host, a file server).
export default defineConfig({
  base: './',
  plugins: [shippedAssets()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
