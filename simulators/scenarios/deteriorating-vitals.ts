import { HOUR, MINUTE, every, motionEvery, ramp, type Scenario } from './scenario.js'

const SPAN = 6 * HOUR

/**
 * Vitals that drift over six hours, as an infection taking hold: pulse and breathing up, SpO2
 * down, a fever. Home NEWS2 sees it first (partial: four of seven parameters), then each default
 * threshold as it is crossed for five minutes, and NEWS2 rises to an emergency.
 */
export const deterioratingVitals: Scenario = {
  name: 'deteriorating-vitals',
  title: 'Deteriorating vitals over six hours',
  start: '2026-06-15T08:00:00+01:00',
  timeZone: 'Europe/London',
  durationMs: SPAN + 10 * MINUTE,
  devices: { wrist: { type: 'wearable' }, motion: { type: 'motion-sensor' } },
  steps: [
    ...motionEvery('motion', 5 * MINUTE, SPAN, 20 * MINUTE),
    ...every(0, SPAN + 5 * MINUTE, 5 * MINUTE).map((atMs) => ({
      atMs,
      device: 'wrist',
      readings: [
        { n: 'heart_rate', u: 'beat/min', v: ramp(76, 136, atMs, SPAN) },
        { n: 'respiratory_rate', u: '1/min', v: ramp(15, 27, atMs, SPAN) },
        { n: 'spo2', u: '%', v: ramp(97, 89, atMs, SPAN) },
        { n: 'body_temperature', u: 'Cel', v: ramp(36.9, 38.9, atMs, SPAN, 1) },
      ],
    })),
  ],
  // NEWS2 by the RCP chart: at 10:45 respiration 21 (2), SpO2 93 (2), pulse 104 (1) make 5; at
  // 11:30 pulse 111 (2) and temperature 38.1 (1) make 7. Thresholds fire five minutes after the
  // first reading beyond them: SpO2 91 at 12:10, respiration 25 at 12:45, pulse 131 at 13:30.
  expected: [
    {
      kind: 'news2',
      priority: 'emergency',
      raisedAt: '10:45',
      status: 'raised',
      summary: 'partial NEWS2 (4 of 7 parameters)',
      history: 'priority raised to emergency; partial NEWS2 (4 of 7 parameters): 7',
    },
    { kind: 'threshold.spo2', priority: 'urgent', raisedAt: '12:15', status: 'raised', summary: 'SpO2 91 %, below 92 %' },
    { kind: 'threshold.respiratory_rate', priority: 'urgent', raisedAt: '12:50', status: 'raised', summary: 'Respiration rate 25 1/min, above 24' },
    { kind: 'threshold.heart_rate', priority: 'urgent', raisedAt: '13:35', status: 'raised', summary: 'Pulse 132 beat/min, above 130' },
  ],
}
