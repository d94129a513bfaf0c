import { HOUR, MINUTE, every, motionEvery, type Scenario } from './scenario.js'

/**
 * A flapping pulse: a clinician's threshold of 110 (clearing at 100), and a pulse that goes to
 * 118 for three minutes in every ten. One alert, folded four times and marked flapping, never
 * raised again and again.
 */
export const flappingPulse: Scenario = {
  name: 'flapping-pulse',
  title: 'A flapping pulse',
  start: '2026-06-15T14:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 45 * MINUTE,
  devices: { wrist: { type: 'wearable' }, motion: { type: 'motion-sensor' } },
  thresholds: [{ metric: 'heart_rate', above: 110, clearAbove: 100, forSeconds: 0, priority: 'urgent' }],
  steps: [
    ...motionEvery('motion', 0, HOUR, 20 * MINUTE),
    ...every(0, 40 * MINUTE, MINUTE).map((atMs) => ({
      atMs,
      device: 'wrist',
      readings: [{ n: 'heart_rate', u: 'beat/min', v: (atMs / MINUTE) % 10 >= 5 && (atMs / MINUTE) % 10 < 8 ? 118 : 95 }],
    })),
  ],
  expected: [
    { kind: 'threshold.heart_rate', priority: 'urgent', raisedAt: '14:05', status: 'raised', flapping: true, minOccurrences: 4, cleared: true, summary: 'Pulse 118 beat/min, above 110' },
  ],
}
