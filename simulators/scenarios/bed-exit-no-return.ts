import { HOUR, MINUTE, type Scenario } from './scenario.js'

/**
 * A bed exit with no return: up at 01:00 and back at 01:05 (no alert); up again at 03:00, a
 * movement in the bathroom, then nothing: 45 minutes out of bed at night, the alert at 03:45.
 */
export const bedExitNoReturn: Scenario = {
  name: 'bed-exit-no-return',
  title: 'A bed exit with no return',
  start: '2026-06-14T23:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 5 * HOUR + 30 * MINUTE,
  devices: { bed: { type: 'bed-sensor' }, motion: { type: 'motion-sensor' } },
  steps: [
    { atMs: 30 * MINUTE, device: 'bed', event: 'bed.enter' },
    { atMs: 2 * HOUR, device: 'bed', event: 'bed.exit' },
    { atMs: 2 * HOUR + 2 * MINUTE, device: 'motion', event: 'motion', data: { room: 'bathroom' } },
    { atMs: 2 * HOUR + 5 * MINUTE, device: 'bed', event: 'bed.enter' },
    { atMs: 4 * HOUR, device: 'bed', event: 'bed.exit' },
    { atMs: 4 * HOUR + 2 * MINUTE, device: 'motion', event: 'motion', data: { room: 'bathroom' } },
  ],
  expected: [{ kind: 'night.bed-exit', priority: 'urgent', raisedAt: '03:45', status: 'raised', summary: 'Out of bed at night since 03:00' }],
}
