import { HOUR, MINUTE, type Scenario } from './scenario.js'

/**
 * Night wandering: at 01:10 the door opens and closes and the person comes back in (no alert);
 * at 02:02 it opens again, closes at 02:03, and nobody moves indoors after: the alert comes 15
 * minutes after the last door event, at 02:18.
 */
export const nightWandering: Scenario = {
  name: 'night-wandering',
  title: 'Night wandering',
  start: '2026-06-15T01:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: 2 * HOUR,
  devices: { door: { type: 'door-sensor' }, motion: { type: 'motion-sensor' } },
  steps: [
    { atMs: 9 * MINUTE, device: 'motion', event: 'motion', data: { room: 'hallway' } },
    { atMs: 10 * MINUTE, device: 'door', event: 'door.opened', data: { door: 'front' } },
    { atMs: 11 * MINUTE, device: 'door', event: 'door.closed', data: { door: 'front' } },
    { atMs: 12 * MINUTE, device: 'motion', event: 'motion', data: { room: 'hallway' } },
    { atMs: 60 * MINUTE, device: 'motion', event: 'motion', data: { room: 'hallway' } },
    { atMs: 62 * MINUTE, device: 'door', event: 'door.opened', data: { door: 'front' } },
    { atMs: 63 * MINUTE, device: 'door', event: 'door.closed', data: { door: 'front' } },
  ],
  expected: [{ kind: 'night.door-exit', priority: 'urgent', raisedAt: '02:18', status: 'raised', summary: 'Door opened at night at 02:02' }],
}
