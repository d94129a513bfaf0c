import { HOUR, MINUTE, type Scenario } from './scenario.js'

/**
 * A quiet morning: a trip to the bathroom at 05:30, then nothing. Night does not count, so the
 * three quiet hours run from 07:00, when the active hours begin: the alert comes at 10:00.
 */
export const quietMorning: Scenario = {
  name: 'quiet-morning',
  title: 'A quiet morning',
  start: '2026-06-15T05:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 5 * HOUR + 30 * MINUTE,
  devices: { motion: { type: 'motion-sensor' }, pendant: { type: 'pendant' } },
  steps: [
    { atMs: 30 * MINUTE, device: 'motion', event: 'motion', data: { room: 'bathroom' } },
    { atMs: 35 * MINUTE, device: 'motion', event: 'motion', data: { room: 'hallway' } },
  ],
  expected: [{ kind: 'inactivity', priority: 'urgent', raisedAt: '10:00', status: 'raised', cleared: false, summary: 'No movement for 3 h' }],
}
