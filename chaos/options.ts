/** How a fault run is sized and timed. `--short` picks the second column of each default. */
export interface ChaosOptions {
  short: boolean
  /** Simulated devices in each scenario: wearables, and one pendant in ten (at least two). */
  devices: number
  /** Readings a second across the wearables. */
  rate: number
  /** SenML records in each readings publish. */
  packSize: number
  /** Load before the fault, and after it ends. */
  warmupMs: number
  afterMs: number
  /** How long InfluxDB is away, the disk stays full, the platform stays paused, the clock stays jumped, the flood lasts. */
  influxOutageMs: number
  diskFullMs: number
  pauseMs: number
  clockJumpMs: number
  clockJumpHours: number
  floodMs: number
  /** Presses a second the flooding pendant tries to send. */
  floodRate: number
  /** tmpfs size for the disk-full scenario. */
  tmpfsMb: number
  /** The most time given to devices to have everything acknowledged, and to the platform to store it, at the end. */
  drainMs: number
  /** Keep each scenario's data folder (printed) instead of removing it. */
  keep: boolean
}

export function defaultOptions(short: boolean): ChaosOptions {
  return {
    short,
    devices: short ? 30 : 150,
    rate: short ? 300 : 1000,
    packSize: 4,
    warmupMs: short ? 4000 : 20_000,
    afterMs: short ? 5000 : 20_000,
    influxOutageMs: short ? 10_000 : 60_000,
    diskFullMs: short ? 8000 : 30_000,
    pauseMs: short ? 10_000 : 20_000,
    clockJumpMs: short ? 5000 : 20_000,
    clockJumpHours: 26,
    floodMs: short ? 8000 : 20_000,
    floodRate: 5000,
    tmpfsMb: 64,
    drainMs: short ? 30_000 : 90_000,
    keep: false,
  }
}

/** Pendants among `devices`: one in ten, at least two; the rest are wearables (at least one). */
export function fleetShape(devices: number): { wearables: number; pendants: number } {
  const pendants = Math.max(2, Math.round(devices / 10))
  return { wearables: Math.max(1, devices - pendants), pendants }
}
