import { MINUTE, type Scenario } from './scenario.js'

/**
 * An emergency nobody acknowledges: the pendant is pressed at 12:00:10; at 60 s it escalates,
 * then again every 30 s until someone answers. Five minutes on it is at level 9.
 */
export const unansweredEmergency: Scenario = {
  name: 'unanswered-emergency',
  title: 'An emergency nobody acknowledges',
  start: '2026-06-15T12:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 5 * MINUTE + 10_000,
  tickMs: 10_000,
  devices: { pendant: { type: 'pendant' } },
  steps: [{ atMs: 10_000, device: 'pendant', event: 'alarm.pressed' }],
  expected: [{ kind: 'alarm.pressed', priority: 'emergency', raisedAt: '12:00', status: 'raised', escalationLevel: 9, summary: 'Alarm pressed' }],
}
