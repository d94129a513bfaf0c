import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Logger } from 'pino'
import type { Counter } from 'prom-client'
import { ERROR_CODES, HearthError, type ErrorBody, type ErrorCode } from '../contract/index.js'

/** Maps body-parser's own failures to stable codes. */
function fromBodyParser(error: { type?: unknown; status?: unknown }): HearthError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new HearthError('bad_json', 'the request body is not valid JSON', { cause: error })
    case 'entity.too.large':
      return new HearthError('payload_too_large', 'the request body is too large', { cause: error })
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HearthError('unsupported_media_type', 'unsupported body encoding', { cause: error })
    default:
      return undefined
  }
}

/** The one place errors become responses: {"error":{"code","message"}}, never a stack. */
export function createErrorHandler(log: Logger, errors: Counter<'code'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof HearthError ? error : fromBodyParser(error as { type?: unknown })
    const hearth = known ?? new HearthError('internal', 'internal error', { cause: error })
    const status = ERROR_CODES[hearth.code]
    errors.inc({ code: hearth.code })
    if (status >= 500) log.error({ err: error, method: req.method, path: req.path }, 'request failed')
    else log.info({ code: hearth.code, method: req.method, path: req.path, message: hearth.message }, 'request refused')
    const body: ErrorBody = { error: { code: hearth.code, message: hearth.message } }
    if (hearth.problems) body.error.problems = hearth.problems
    res.status(status).json(body)
  }
}

export function notFound(code: ErrorCode = 'not_found'): RequestHandler {
  return (req, _res, next) => next(new HearthError(code, `no route ${req.method} ${req.path}`))
}
