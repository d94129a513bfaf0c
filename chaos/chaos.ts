import type { Fault } from './faults/fault.js'
import { FAULTS } from './faults/index.js'
import type { ChaosOptions } from './options.js'
import type { ChaosReport } from './report.js'
import { runScenario } from './scenario.js'

/** The faults named in `only` (all when empty), in the suite's order; throws on a name it does not know. */
export function pickFaults(only: readonly string[]): Fault[] {
  const unknown = only.filter((name) => !FAULTS.some((f) => f.name === name))
  if (unknown.length > 0) throw new Error(`unknown fault ${unknown.join(', ')}; the faults are ${FAULTS.map((f) => f.name).join(', ')}`)
  return only.length === 0 ? [...FAULTS] : FAULTS.filter((f) => only.includes(f.name))
}

/** Runs each fault's scenario in turn, each on a fresh data folder. */
export async function runChaos(options: ChaosOptions, faults: readonly Fault[], log: (line: string) => void): Promise<ChaosReport> {
  const startedAt = new Date().toISOString()
  const scenarios = []
  for (const fault of faults) scenarios.push(await runScenario(fault, options, log))
  return { startedAt, options, scenarios, ok: scenarios.every((s) => s.ok) }
}
