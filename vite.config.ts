import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const webRoot = fileURLToPath(new URL('./dashboard/web', import.meta.url))
const outDir = fileURLToPath(new URL('./dashboard/dist', import.meta.url))
/** Where `npx vite` (the dev server) sends API and socket calls: a running `npm start`. */
const platform = process.env.HEARTH_DEV_PLATFORM ?? 'http://127.0.0.1:8080'

export default defineConfig({
  root: webRoot,
  base: '/',
  // Vite 8 transforms with Oxc: Preact's automatic JSX runtime, no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in what is served: the dev server (npx vite) has its own.
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: {
      '/api': platform,
      '/socket.io': { target: platform, ws: true },
    },
  },
})
