// Starts a worker thread on one of the platform's TypeScript modules: a worker does not inherit
// the TypeScript loader the platform runs under, so it registers its own before importing.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
