/**
 * PROTOCOL §1 metric table: the only place the accepted ranges are written.
 */
interface NumericMetric {
  kind: 'number'
  unit: string
  min: number
  max: number
  label: string
}
interface BooleanMetric {
  kind: 'boolean'
  label: string
}
export type MetricSpec = NumericMetric | BooleanMetric

export const METRICS = {
  heart_rate: { kind: 'number', unit: 'beat/min', min: 20, max: 250, label: 'Pulse' },
  respiratory_rate: { kind: 'number', unit: '1/min', min: 2, max: 80, label: 'Respiration rate' },
  spo2: { kind: 'number', unit: '%', min: 50, max: 100, label: 'SpO2' },
  body_temperature: { kind: 'number', unit: 'Cel', min: 30, max: 45, label: 'Body temperature' },
  systolic_bp: { kind: 'number', unit: 'mm[Hg]', min: 40, max: 300, label: 'Systolic blood pressure' },
  diastolic_bp: { kind: 'number', unit: 'mm[Hg]', min: 20, max: 200, label: 'Diastolic blood pressure' },
  ambient_temperature: { kind: 'number', unit: 'Cel', min: -30, max: 60, label: 'Room temperature' },
  steps: { kind: 'number', unit: 'count', min: 0, max: 100000, label: 'Steps' },
  on_oxygen: { kind: 'boolean', label: 'On supplemental oxygen' },
} as const satisfies Record<string, MetricSpec>

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name)
}
