import { Router } from 'express'
import { AnswerTimesQuerySchema } from '../../contract/index.js'
import { summariseAnswerTimes } from '../answer-times.js'
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
    res.json(summariseAnswerTimes(ctx.alerts.answers(q.fromMs, q.toMs, ALARM_KINDS), q.fromMs, q.toMs, ctx.clock.now()))
  })

  return router
}
