import { defineConfig } from 'vite';

// Built by `npm ci` (the package's prepare script) into web/dist; the server serves it at /console.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
