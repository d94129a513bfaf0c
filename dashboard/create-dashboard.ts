import type { Server as HttpServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import express from 'express'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import type { Clock, Service } from '../contract/index.js'
import { authenticate, passwordChosenFirst, signedInFirst, twoFactorEnrolledFirst } from './authenticate.js'
import { createErrorHandler, notFound } from './error-handler.js'
import { attachEscalationNotices } from './escalation-notices.js'
import { attachFamilyNotices, type EmailQueue } from './family-notices.js'
import { attachLiveAlerts } from './live-alerts.js'
import { metricsRoute, renderMetrics } from './metrics-endpoint.js'
import { incidentViews, watchIncidents } from './incident-view.js'
import { createPersonGuard } from './person-guard.js'
import type {
  AbsencesAdmin,
  AlertCalls,
  AlertDesk,
  AlertQueries,
  AuditTrail,
  AuditVerifier,
  BreakGlassGrants,
  CareSettingsAdmin,
  Circles,
  EventQueries,
  DeviceSecretIssuer,
  Devices,
  HealthProbe,
  IncidentHolds,
  Organisations,
  People,
  PersonNotes,
  ReadingsQueries,
  ResponsePlans,
  SignInLimits,
  Users,
  WishesStore,
} from './ports.js'
import { createTwoFactorPolicy } from './two-factor-policy.js'
import type { TwoFactorStore } from './two-factor-store.js'
import type { WebhookAdmin } from './webhook-admin.js'
import { archiveRoutes } from './routes/archive-routes.js'
import { auditRoutes } from './routes/audit-routes.js'
import { circleRoutes } from './routes/circle-routes.js'
import { organisationRoutes } from './routes/organisation-routes.js'
import { adminRoutes } from './routes/admin-routes.js'
import { alertRoutes } from './routes/alert-routes.js'
import { callRoutes } from './routes/call-routes.js'
import { callScriptRoutes } from './routes/call-script-routes.js'
import { followUpRoutes, followUpCancelRoutes } from './routes/follow-up-routes.js'
import type { AttendanceLog, CallScripts, FollowUps } from './follow-up-ports.js'
import { incidentRoutes } from './routes/incident-routes.js'
import { authRoutes } from './routes/auth-routes.js'
import { absenceRoutes } from './routes/absence-routes.js'
import { careSettingsRoutes } from './routes/care-settings-routes.js'
import { primaryRole, type RouteContext } from './routes/context.js'
import { deviceRoutes } from './routes/device-routes.js'
import { figuresRoutes } from './routes/figures-routes.js'
import { personRoutes } from './routes/person-routes.js'
import { wishesRoutes } from './routes/wishes-routes.js'
import { webhookRoutes } from './routes/webhook-routes.js'
import { sameOriginOnly } from './same-origin.js'

export interface DashboardConfig {
  sessionTtlMs: number
  /** Mark cookies Secure (set when served over HTTPS, directly or behind a proxy). */
  secureCookies: boolean
  /**
   * Which peers are Hearth's reverse proxies (express's `trust proxy`): their X-Forwarded-For gives
   * the client's address (sign-in limits, the audit log) and X-Forwarded-Proto the scheme browsers used.
   */
  trustProxy: (address: string, hop: number) => boolean
  /** Origins Hearth is reached at besides the one each request names (same-origin.ts). */
  publicOrigins: readonly string[]
  /** `/metrics` answers only this bearer token; without one it is not served here (metrics-endpoint.ts). */
  metricsToken?: string | undefined
  /** How long an account of a role that requires two-factor sign-in may go without it (two-factor-policy.ts). */
  twoFactorGraceMs: number
}

export interface DashboardDeps {
  server: HttpServer
  logger: Logger
  metrics: Registry
  /** Metrics kept elsewhere (the ingest thread's), in the Prometheus text format, served after the platform's own. */
  extraMetrics?: () => Promise<string>
  clock: Clock
  users: Users
  people: People
  devices: Devices
  /** Makes the secret of each device provisioned. */
  issueDeviceSecret: DeviceSecretIssuer
  /** Ends a device's MQTT connection now (once it is deprovisioned). */
  disconnectDevice: (deviceId: string) => void
  /** A device's secret was replaced, the old one working until `untilMs`: its connection ends then (at once when that is now). */
  endDeviceConnectionAt: (deviceId: string, untilMs: number) => void
  /** A device moved to another person: alerting attributes what it sends, and watches it, for them at once. */
  deviceMoved: (deviceId: string) => void
  alerts: AlertQueries
  events: EventQueries
  desk: AlertDesk
  readings: ReadingsQueries
  careSettings: CareSettingsAdmin
  absences: AbsencesAdmin
  organisations: Organisations
  circles: Circles
  breakGlass: BreakGlassGrants
  notes: PersonNotes
  /** PROTOCOL §2c: what matters to each person, their response plans, and the calls made from them. */
  wishes: WishesStore
  responsePlans: ResponsePlans
  calls: AlertCalls
  /** Follow-ups, a mobile responder's attendance and call scripts (contract/follow-ups.ts). */
  followUps: FollowUps
  attendance: AttendanceLog
  callScripts: CallScripts
  /** The call-handling console: who holds each person's incident. */
  incidentHolds: IncidentHolds
  /** The notifications outbox's email: family members in a response plan are told of alarms when the person shares them. Absent: nobody is emailed. */
  enqueueEmail?: EmailQueue | undefined
  audit: AuditTrail
  /** Failed sign-ins per account and per address, kept across restarts. */
  signInLimits: SignInLimits
  /** Two-factor sign-in: secrets, the last code used, recovery codes. */
  twoFactor: TwoFactorStore
  /** The key a client address is counted under by the sign-in limits and password checks (IPv6 by its /64). */
  addressKey: (address: string | undefined) => string
  verifyAudit: AuditVerifier
  /** PROTOCOL §2c webhooks: registered, listed and removed here, sent by the notifications service. */
  webhooks: WebhookAdmin
  /** Runs writes to several repositories (one database) as one transaction. */
  transaction: <T>(fn: () => T) => T
  health: HealthProbe
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  // uPlot sizes its canvases with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/** Once over HTTPS, the browser never asks over plain HTTP again (a year). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains'

const PUBLIC_DIR = fileURLToPath(new URL('./dist', import.meta.url))

export function createDashboard(config: DashboardConfig, deps: DashboardDeps): Service {
  let live: ReturnType<typeof attachLiveAlerts> | undefined
  let stopEmailNotices: (() => void) | undefined
  let stopIncidents: (() => void) | undefined
  let closed = false

  return {
    start() {
      const app = express()
      app.disable('x-powered-by')
      app.use((req, res, next) => {
        // Health data on screen: only this origin's own code, no framing, no referrers leaving.
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
        res.setHeader('X-Content-Type-Options', 'nosniff')
        res.setHeader('Referrer-Policy', 'no-referrer')
        // Once over HTTPS (here, or at a trusted proxy), the browser never asks over plain HTTP again.
        if (req.secure) res.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY)
        next()
      })
      app.set('trust proxy', config.trustProxy)
      const errors = new Counter({ name: 'hearth_http_errors_total', help: 'HTTP error responses, by code', labelNames: ['code'], registers: [deps.metrics] })
      const guard = createPersonGuard(deps)
      const twoFactorPolicy = createTwoFactorPolicy(deps.twoFactor, config.twoFactorGraceMs)
      const incidents = incidentViews({ ...deps, guard })
      const incidentChanged = (personId: string): void => live?.incidentChanged(personId, incidents.incidentOf(personId))
      const ctx: RouteContext = {
        ...deps,
        guard,
        twoFactorPolicy,
        sessionTtlMs: config.sessionTtlMs,
        secureCookies: config.secureCookies,
        onSignOut: (secret) => live?.dropSession(secret),
        onUserChanged: (userId) => live?.dropUser(userId),
        onOtherSessionsEnded: (userId, keptSession) => live?.dropUser(userId, keptSession),
        onPersonNote: (personId, item) => live?.personNote(personId, item),
        onBreakGlass: (grant) => live?.breakGlass(grant),
        incidents,
        onIncidentChanged: incidentChanged,
        onAbsenceChanged: (absence) => live?.absenceChanged(absence, deps.people.get(absence.personId)?.name ?? absence.personId),
        authorOf: (username, atMs) => {
          const user = deps.users.holderOf(username, atMs)
          return user ? { name: user.displayName, organisation: user.organisationName, role: primaryRole(user.roles) } : undefined
        },
      }

      app.get('/healthz', async (_req, res) => {
        const reports = await deps.health()
        const down = reports.filter((r) => !r.ok).map((r) => r.component)
        const degraded = reports.filter((r) => r.ok && r.degraded).map((r) => r.component)
        const status = down.length > 0 ? 'down' : degraded.length > 0 ? 'degraded' : 'ok'
        res.status(down.length > 0 ? 503 : 200).json({
          status,
          components: reports,
          ...(down.length > 0 ? { down } : {}),
          ...(degraded.length > 0 ? { degraded } : {}),
        })
      })
      app.get('/metrics', metricsRoute(config.metricsToken, () => renderMetrics(deps.metrics, deps.extraMetrics), deps.metrics.contentType))

      const originPolicy = { publicOrigins: config.publicOrigins, trustProxy: config.trustProxy }
      const api = express.Router()
      api.use((_req, res, next) => {
        // Health data: no browser or proxy keeps a copy.
        res.setHeader('Cache-Control', 'no-store')
        next()
      })
      // Before anything else reads it: a request forged by another page is not even parsed.
      api.use(sameOriginOnly(originPolicy))
      api.use(express.json({ limit: '64kb', strict: true }))
      api.use(authenticate({ users: deps.users, clock: deps.clock, twoFactor: twoFactorPolicy }))
      api.use(signedInFirst())
      api.use(passwordChosenFirst())
      api.use(twoFactorEnrolledFirst())
      api.use('/auth', authRoutes(ctx))
      api.use('/persons', personRoutes(ctx))
      api.use('/persons', careSettingsRoutes(ctx))
      api.use('/persons', circleRoutes(ctx))
      api.use('/persons', archiveRoutes(ctx))
      api.use('/persons', wishesRoutes(ctx))
      api.use('/organisations', organisationRoutes(ctx))
      api.use('/', auditRoutes(ctx))
      api.use('/devices', deviceRoutes(ctx))
      api.use('/absences', absenceRoutes(ctx))
      api.use('/alerts', alertRoutes(ctx))
      api.use('/alerts', callRoutes(ctx))
      api.use('/alerts', followUpRoutes(ctx))
      api.use('/follow-ups', followUpCancelRoutes(ctx))
      api.use('/call-scripts', callScriptRoutes(ctx))
      api.use('/incidents', incidentRoutes(ctx))
      api.use('/figures', figuresRoutes(ctx))
      api.use('/', adminRoutes(ctx))
      api.use('/webhooks', webhookRoutes(ctx))
      api.use(notFound())
      app.use('/api', api)
      app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '1m' }))
      app.use(notFound())
      app.use(createErrorHandler(deps.logger, errors))
      // The app must be the server's request listener before socket.io wraps it for its own path.
      deps.server.on('request', app)
      live = attachLiveAlerts(deps.server, { ...deps, guard, originPolicy, twoFactorPolicy })
      stopIncidents = watchIncidents({ ...deps, changed: incidentChanged })
      const { enqueueEmail } = deps
      if (enqueueEmail) {
        const stopFamily = attachFamilyNotices({ ...deps, enqueueEmail })
        const stopEscalation = attachEscalationNotices({ ...deps, enqueueEmail })
        stopEmailNotices = () => {
          stopFamily()
          stopEscalation()
        }
      }
      deps.logger.info('dashboard ready')
      return Promise.resolve()
    },
    close() {
      if (!closed) {
        closed = true
        live?.close()
        stopEmailNotices?.()
        stopIncidents?.()
      }
      return Promise.resolve()
    },
  }
}
