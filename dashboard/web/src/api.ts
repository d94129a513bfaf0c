import type { ErrorBody, ErrorCode } from '../../../contract/errors.js'
import type { Problem } from '../../../contract/problems.js'

/** A refusal from the API (`{"error":{code,message,problems}}`), or `network` when Hearth could not be reached. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode | 'network' | 'unknown'
  readonly problems: readonly Problem[]

  constructor(status: number, code: ApiError['code'], message: string, problems: readonly Problem[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.problems = problems
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  /** A 401 here is an answer, not an expired session (sign-in, the first "who am I"). */
  expectUnauthorized?: boolean
  signal?: AbortSignal
}

let onSessionExpired: (() => void) | undefined

/** Called whenever the API says the session is gone, so the app can return to the sign-in form. */
export function setSessionExpiredHandler(handler: (() => void) | undefined): void {
  onSessionExpired = handler
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as ErrorBody).error?.message === 'string'
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return null
  const text = await response.text()
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers: options.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network', 'Cannot reach Hearth. Check the network connection.')
  }
  const body = await readJson(response)
  if (response.ok) return body as T
  if (response.status === 401 && !options.expectUnauthorized) onSessionExpired?.()
  if (isErrorBody(body)) throw new ApiError(response.status, body.error.code, body.error.message, body.error.problems ?? [])
  throw new ApiError(response.status, 'unknown', `Hearth answered ${response.status} ${response.statusText}`.trim())
}

/** The problems the API named for one form field (`thresholds.0.above`, `reason`, …). */
export function problemsFor(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return []
  return error.problems.filter((p) => p.field === field).map((p) => p.message)
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.code === 'forbidden' ? 'You do not have permission to do that.' : error.message
  return error instanceof Error ? error.message : String(error)
}

export function isAborted(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'forbidden'
}

/**
 * The line under a form that the API refused: the problems shown beside their fields are not
 * repeated; the rest are spelled out.
 */
export function formErrorText(error: unknown, shownBesideField: (field: string) => boolean): string {
  if (error === undefined) return ''
  if (!(error instanceof ApiError) || error.problems.length === 0) return messageOf(error)
  const rest = error.problems.filter((p) => !shownBesideField(p.field)).map((p) => (p.field === '(root)' ? p.message : `${p.field}: ${p.message}`))
  return ['Not saved: check the marked fields.', ...rest].join(' ')
}
