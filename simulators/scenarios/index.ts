import { bedExitNoReturn } from './bed-exit-no-return.js'
import { deterioratingVitals } from './deteriorating-vitals.js'
import { flappingPulse } from './flapping-pulse.js'
import { nightWandering } from './night-wandering.js'
import { quietMorning } from './quiet-morning.js'
import { quietMorningClocksChange } from './quiet-morning-clocks-change.js'
import type { Scenario } from './scenario.js'
import { silentDevice } from './silent-device.js'
import { unansweredEmergency } from './unanswered-emergency.js'

export const SCENARIOS: readonly Scenario[] = [
  deterioratingVitals,
  quietMorning,
  quietMorningClocksChange,
  nightWandering,
  bedExitNoReturn,
  silentDevice,
  flappingPulse,
  unansweredEmergency,
]

export type { Scenario } from './scenario.js'
