import { Router } from 'express'
import { AnswerTimesQuerySchema } from '../../contract/index.js'
import { summariseAnswerTimes } from '../answer-times.js'
import type { Principal } from '../access-policy.js'
import { personReads } from '../person-reads.js'
import { requires } from '../authenticate.js'
import { validate } from '../validate-input.js'
import type { RouteContext } from './context.js'

/** Alarm calls: what a person at home raises themselves, or their fall detector does for them. */
export const ALARM_KINDS = ['alarm.pressed', 'fall.detected'] as const

export function figuresRoutes(ctx: RouteContext): Router {
  const router = Router()

  /** Service figures: alarm calls answered within 60 s and 180 s, overall and per responder. */
  router.get('/answer-times', requires('figures:read'), (req, res) => {
    const q = validate(AnswerTimesQuerySchema, req.query, 'figures query')
    // The figures of the people whose alerts the caller's organisation answers for.
    const principal = req.principal as Principal
    const access = ctx.guard.accessMap(principal)
    const answers = ctx.alerts.answers(q.fromMs, q.toMs, ALARM_KINDS).filter((a) => {
      const seen = access.get(a.personId)
      return seen !== undefined && personReads(principal, seen).alerts
    })
    ctx.guard.record(req, 'figures.read', null, { target: `${answers.length} alarms` })
    res.json(summariseAnswerTimes(answers, q.fromMs, q.toMs, ctx.clock.now()))
  })

  return router
}
