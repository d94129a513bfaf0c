import { clockJump } from './clock-jump.js'
import { diskFull } from './disk-full.js'
import type { Fault } from './fault.js'
import { flood } from './flood.js'
import { influx } from './influx.js'
import { kill9, sigstop, sigterm } from './signals.js'

/** The suite's faults, in the order they run. */
export const FAULTS: readonly Fault[] = [kill9, sigterm, influx, diskFull, sigstop, clockJump, flood]
