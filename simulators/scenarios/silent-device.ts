import { HOUR, MINUTE, every, motionEvery, type Scenario } from './scenario.js'

/**
 * A silent device: the wearable reports every minute, stops at 10:30, and is back at 11:30. It
 * is offline 18 minutes after its last message (15-minute check-in plus grace), at 10:48, and
 * Hearth closes the technical alert itself when it returns, saying it was gone an hour.
 */
export const silentDevice: Scenario = {
  name: 'silent-device',
  title: 'A silent device',
  start: '2026-06-15T10:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 2 * HOUR,
  devices: { wrist: { type: 'wearable' }, motion: { type: 'motion-sensor' } },
  steps: [
    ...motionEvery('motion', 0, 2 * HOUR, 20 * MINUTE),
    ...[...every(0, 31 * MINUTE, MINUTE), ...every(90 * MINUTE, 2 * HOUR, MINUTE)].map((atMs) => ({
      atMs,
      device: 'wrist',
      readings: [{ n: 'heart_rate', u: 'beat/min', v: 72 }],
    })),
    { atMs: 30 * MINUTE + 1, device: 'wrist', silent: true },
  ],
  expected: [
    { kind: 'device.offline', priority: 'technical', raisedAt: '10:48', status: 'resolved', outcome: 'technical', cleared: true, summary: 'silent for 18 min' },
  ],
}
