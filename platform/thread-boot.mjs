// Starts a worker thread on one of the platform's modules. A worker does not inherit the
// TypeScript loader the platform may run under, so for a .ts entry it registers its own first;
// a compiled platform (build/) starts compiled threads and loads no compiler.
import { workerData } from 'node:worker_threads'

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(workerData.entry)
