import type { Priority } from '../../contract/index.js'

/**
 * What a rule found, for the alerting service to act on. Rules are pure: state and time in,
 * state and findings out. "The condition cleared" is a finding of its own; only a technical
 * alert (`selfResolve`) is closed by it, every other alert waits for a person.
 */
export type RuleFinding =
  | {
      action: 'fire'
      kind: string
      priority: Priority
      summary: string
      /** The device the alert is about, where it is about one. */
      deviceId?: string
      /** Device alerts fold per device rather than per person. */
      perDevice?: boolean
      flapping?: boolean
    }
  | {
      action: 'clear'
      kind: string
      summary: string
      deviceId?: string
      perDevice?: boolean
      /** Technical alerts close themselves (outcome `technical`) once their condition clears. */
      selfResolve?: boolean
    }

/** The fold key of a finding's alert: its kind, and its device for device alerts. */
export function foldKeyOf(finding: { kind: string; deviceId?: string; perDevice?: boolean }): string {
  return finding.perDevice && finding.deviceId ? `${finding.kind}:${finding.deviceId}` : finding.kind
}

export interface Reading {
  value: number
  atMs: number
}
