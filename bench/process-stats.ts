import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface ProcessStats {
  rssBytes: number
  heapUsedBytes: number
  /** process.cpuUsage(): user plus system, microseconds since the process started. */
  cpuMicros: number
  /** Event-loop delay since the previous sample: how long a ready callback (an alarm) waited for the thread. */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
}

/** Samples this process: memory, CPU time and event-loop delay (reset at each sample). */
export function processSampler(): () => ProcessStats {
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  return () => {
    const memory = process.memoryUsage()
    const cpu = process.cpuUsage()
    const stats = {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuMicros: cpu.user + cpu.system,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
    }
    loop.reset()
    return stats
  }
}
