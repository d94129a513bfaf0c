import { plainSetup, sleep, type Fault, type FaultContext, type FaultRun } from './fault.js'

/** Kills or stops the platform with `signal`, waits a second (a service manager's restart delay), and starts it again on the same folder and ports. */
async function stopAndRestart(ctx: FaultContext, signal: NodeJS.Signals): Promise<FaultRun> {
  const startedAtMs = Date.now()
  await ctx.platform.stopWith(signal)
  const stoppedInMs = Date.now() - startedAtMs
  await sleep(1000)
  const endedAtMs = Date.now()
  ctx.progress('starting the platform again on the same data folder and ports')
  await ctx.platform.start()
  return { startedAtMs, endedAtMs, notes: [`the platform exited ${stoppedInMs} ms after ${signal} and was started again 1 s later; it was up ${Date.now() - endedAtMs} ms after that`] }
}

export const kill9: Fault = {
  name: 'kill9',
  title: 'kill -9 under load, then restart',
  describe: 'SIGKILL to the platform under load; after 1 s it is started again on the same data folder and ports',
  prepare: () => Promise.resolve(plainSetup()),
  inject: (ctx) => stopAndRestart(ctx, 'SIGKILL'),
}

export const sigterm: Fault = {
  name: 'sigterm',
  title: 'SIGTERM under load, then restart',
  describe: 'SIGTERM to the platform under load (it stops as it does for a service manager); after 1 s it is started again',
  prepare: () => Promise.resolve(plainSetup()),
  inject: (ctx) => stopAndRestart(ctx, 'SIGTERM'),
}

export const sigstop: Fault = {
  name: 'sigstop',
  title: 'paused (SIGSTOP), then SIGCONT',
  describe: 'SIGSTOP freezes the platform (every thread) under load for 20 s (10 s with --short), then SIGCONT',
  prepare: () => Promise.resolve(plainSetup()),
  async inject(ctx) {
    const startedAtMs = Date.now()
    ctx.platform.signal('SIGSTOP')
    await sleep(ctx.options.pauseMs)
    const endedAtMs = Date.now()
    ctx.platform.signal('SIGCONT')
    return { startedAtMs, endedAtMs, notes: [] }
  },
}
