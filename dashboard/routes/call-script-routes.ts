import { Router } from 'express'
import { HearthError, PutCallScriptBodySchema, alertKind } from '../../contract/index.js'
import type { Principal } from '../access-policy.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/**
 * Hearth extension to PROTOCOL §2c: the call script for each alert kind, the questions a
 * responder asks. Hearth ships defaults; supervisors and admins write new versions, kept with
 * who and why. Scripts hold no one's data: every responder may read them.
 */
export function callScriptRoutes(ctx: RouteContext): Router {
  const router = Router()

  router.get('/', requires('alerts:read'), (_req, res) => {
    res.json({ scripts: ctx.callScripts.all() })
  })

  router.put('/:kind', requires('call-scripts:write'), (req, res) => {
    const kind = req.params.kind as string
    const body = validate(PutCallScriptBodySchema, req.body, 'call script')
    if (!alertKind(kind)) {
      const message = 'not an alert kind Hearth raises'
      throw new HearthError('validation_failed', `invalid call script: kind: ${message}`, { problems: [{ field: 'kind', message }] })
    }
    const principal = req.principal as Principal
    const script = ctx.callScripts.write(kind, body.questions, body.reason, principal.username, ctx.clock.now())
    ctx.guard.record(req, 'call-script.changed', null, { target: `${kind} v${script.version}`, reason: body.reason })
    ctx.logger.info({ kind, version: script.version, by: principal.username }, 'call script changed')
    res.json(script)
  })

  return router
}
