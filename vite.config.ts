import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';

// The renderer is built once and served by both carriers: Electron loads dist/renderer/index.html,
// web mode (`relu-lab serve`) serves the same files over HTTP. A build is always a production build:
// vite would otherwise take NODE_ENV from the environment (vitest sets "test", shells may set
// "development") and bundle React's development build, several times slower and larger.
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'renderer'),
  base: './',
  mode: 'production',
  plugins: [react()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
