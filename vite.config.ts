import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';

// The renderer is built once and served by both carriers: Electron loads dist/renderer/index.html,
// web mode (`relu-lab serve`) serves the same files over HTTP.
export default defineConfig(({ command }) => {
  // A build is always a production build. Vite keeps a NODE_ENV it finds in the environment (vitest
  // sets "test", shells may set "development") and would bundle React's development build and the
  // development JSX runtime; it reads NODE_ENV only after loading this file.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: path.resolve(import.meta.dirname, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: path.resolve(import.meta.dirname, 'dist/renderer'),
      emptyOutDir: true,
      sourcemap: true,
      chunkSizeWarningLimit: 2000,
    },
  };
});
