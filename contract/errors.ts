import type { Problem } from './problems.js'

/** Stable error codes, shared by the HTTP API, MQTT `errors` messages and logs. */
export const ERROR_CODES = {
  validation_failed: 400,
  bad_json: 400,
  unauthorized: 401,
  /** The password was right; the account signs in with a second factor too, and none (or a wrong one) came with it. */
  two_factor_required: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const
export type ErrorCode = keyof typeof ERROR_CODES

export class HearthError extends Error {
  readonly code: ErrorCode
  readonly problems: readonly Problem[] | undefined

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; problems?: readonly Problem[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HearthError'
    this.code = code
    this.problems = options?.problems
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; problems?: readonly Problem[] }
}
