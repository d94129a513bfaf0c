import { HOUR, MINUTE, type Scenario } from './scenario.js'

/**
 * A quiet morning on the night the clocks go forward (Europe/London, 29 March 2026, 01:00 GMT
 * becomes 02:00 BST): up at 00:45 and 02:10, then nothing. The active hours begin at 07:00 BST,
 * so the alert comes at 10:00 BST, nine hours of UTC after the start at 00:30 GMT.
 */
export const quietMorningClocksChange: Scenario = {
  name: 'quiet-morning-clocks-change',
  title: 'A quiet morning after the clocks go forward',
  start: '2026-03-29T00:30:00+00:00',
  timeZone: 'Europe/London',
  durationMs: 9 * HOUR + 30 * MINUTE,
  devices: { motion: { type: 'motion-sensor' } },
  steps: [
    { atMs: 15 * MINUTE, device: 'motion', event: 'motion', data: { room: 'bathroom' } },
    // 01:10 UTC is 02:10 BST.
    { atMs: 40 * MINUTE, device: 'motion', event: 'motion', data: { room: 'kitchen' } },
  ],
  expected: [{ kind: 'inactivity', priority: 'urgent', raisedAt: '10:00', status: 'raised', summary: 'No movement for 3 h since the day began at 07:00' }],
}
