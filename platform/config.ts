import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createSecureContext } from 'node:tls'
import { z } from 'zod'
import { HearthError, describeProblems, problemsFromZod, type Problem } from '../contract/index.js'
import { parseAddressList } from './address-list.js'
import { parseTrustProxy, type TrustProxySetting } from './trusted-proxies.js'
import { NOTIFICATION_ENV, readNotificationSettings, type NotificationSettings } from './notification-config.js'

/** Every HEARTH_ variable, its default and its check, in one place (PROTOCOL §3). */
const port = z.coerce.number().int().min(0).max(65535)
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

const EnvSchema = z.object({
  HEARTH_DATA_DIR: z.string().min(1).default('./data'),
  HEARTH_HOST: z.string().min(1).default('0.0.0.0'),
  HEARTH_HTTP_PORT: port.default(8080),
  HEARTH_MQTT_PORT: port.default(1883),
  HEARTH_MQTTS_PORT: port.optional(),
  HEARTH_TLS_KEY_FILE: z.string().min(1).optional(),
  HEARTH_TLS_CERT_FILE: z.string().min(1).optional(),
  HEARTH_ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  HEARTH_SERVICE_PASSWORD: z.string().min(16, 'at least 16 characters').optional(),
  /** Where the platform's own services may connect to the broker from: addresses, networks, `loopback` (address-list.ts). */
  HEARTH_SERVICE_ADDRESSES: z
    .string()
    .default('loopback')
    .transform((text, ctx) => {
      const read = parseAddressList(text)
      if ('entries' in read) return read.entries
      ctx.addIssue({ code: 'custom', message: read.problem })
      return z.NEVER
    }),
  HEARTH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEARTH_MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  HEARTH_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(10_000),
  HEARTH_SESSION_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(12),
  /** Days an admin, org-admin or supervisor may sign in without two-factor sign-in, from the account's creation; 0: at once. */
  HEARTH_TWO_FACTOR_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  /** /metrics on a port of its own, on loopback only (127.0.0.1), with no token. */
  HEARTH_METRICS_PORT: port.optional(),
  /** /metrics on the HTTP port answers only with `Authorization: Bearer <token>`; without one it is not there (404). */
  HEARTH_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{24,512}$/, '24 to 512 characters, printable ASCII without spaces')
    .optional(),
  HEARTH_SECURE_COOKIES: flag.default(false),
  /** `false`/`0`, a hop count, or proxy addresses and networks; never "every peer" (trusted-proxies.ts). */
  HEARTH_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((text, ctx) => {
      const read = parseTrustProxy(text)
      if ('setting' in read) return read.setting
      ctx.addIssue({ code: 'custom', message: read.problem })
      return z.NEVER
    }),
  /** Comma-separated origins people reach Hearth at, when a proxy's `Host` differs (https://care.example.org). */
  HEARTH_PUBLIC_ORIGIN: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const origins = text.split(',').map((o) => o.trim()).filter((o) => o !== '')
      for (const origin of origins) {
        let url: URL | undefined
        try {
          url = new URL(origin)
        } catch {
          url = undefined
        }
        if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
          ctx.addIssue({ code: 'custom', message: `${origin} is not an origin such as https://care.example.org (a scheme and a host, no path or trailing slash)` })
        }
      }
      return origins
    }),
  HEARTH_RAW_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(90),
  HEARTH_ROLLUP_RETENTION_DAYS: z.coerce.number().min(1).max(36500).default(730),
  HEARTH_INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  HEARTH_INFLUX_DATABASE: z.string().min(1).default('hearth'),
  HEARTH_INFLUX_USERNAME: z.string().optional(),
  HEARTH_INFLUX_PASSWORD: z.string().optional(),
  HEARTH_INFLUX_TOKEN: z.string().optional(),
  ...NOTIFICATION_ENV,
})

export interface Config {
  dataDir: string
  host: string
  httpPort: number
  mqttPort: number
  /**
   * HEARTH_TLS_KEY_FILE and HEARTH_TLS_CERT_FILE: with them the HTTP port speaks HTTPS only, and
   * MQTT over TLS listens on `port` (HEARTH_MQTTS_PORT, 8883 unless set).
   */
  tls?: { port: number; key: Buffer; cert: Buffer }
  adminPassword?: string
  servicePassword?: string
  /** The addresses and networks the platform's services may connect from (loopback unless set). */
  serviceAddresses: readonly string[]
  logLevel: z.infer<typeof EnvSchema>['HEARTH_LOG_LEVEL']
  maxPacketBytes: number
  connectTimeoutMs: number
  sessionTtlMs: number
  /** How long a role that requires two-factor sign-in may go without it: afterwards its sessions may only set it up. */
  twoFactorGraceMs: number
  secureCookies: boolean
  /** Which peers are Hearth's own reverse proxies, whose X-Forwarded-For and X-Forwarded-Proto are taken. */
  trustProxy: TrustProxySetting
  /** Where /metrics is served: on a loopback port of its own, and on the HTTP port with a bearer token. */
  metrics: { port?: number; token?: string }
  /** Origins Hearth is reached at besides the one each request names (HEARTH_PUBLIC_ORIGIN). */
  publicOrigins: string[]
  /** Raw readings are kept this long, then rolled up into hours kept for the rollup period. */
  retention: { rawRetentionMs: number; rollupRetentionMs: number }
  /** Set when readings go to InfluxDB instead of the embedded store. */
  influx?: { url: string; database: string; username?: string; password?: string; token?: string }
  /** HEARTH_ variables that mean nothing to Hearth (likely typos); reported, not fatal. */
  /** Outbound notifications: email over SMTP, where webhooks may go, how failed deliveries are retried. */
  notifications: NotificationSettings
  unknownVariables: string[]
}

function readTls(env: z.infer<typeof EnvSchema>, problems: Problem[]): Config['tls'] {
  const { HEARTH_MQTTS_PORT: tlsPort, HEARTH_TLS_KEY_FILE: keyFile, HEARTH_TLS_CERT_FILE: certFile } = env
  if (tlsPort === undefined && !keyFile && !certFile) return undefined
  if (!keyFile || !certFile) {
    problems.push({ field: 'HEARTH_TLS_KEY_FILE', message: 'HTTPS and MQTT over TLS need both HEARTH_TLS_KEY_FILE and HEARTH_TLS_CERT_FILE' })
    return undefined
  }
  let tls: NonNullable<Config['tls']>
  try {
    tls = { port: tlsPort ?? 8883, key: readFileSync(keyFile), cert: readFileSync(certFile) }
  } catch (error) {
    problems.push({ field: 'HEARTH_TLS_KEY_FILE', message: `cannot read key or certificate: ${(error as Error).message}` })
    return undefined
  }
  try {
    // A key that is not PEM, or not the certificate's, is told now rather than by a listener failing later.
    createSecureContext({ key: tls.key, cert: tls.cert })
  } catch (error) {
    problems.push({ field: 'HEARTH_TLS_KEY_FILE', message: `cannot use key and certificate: ${(error as Error).message}` })
    return undefined
  }
  return tls
}

/** Reads and checks the configuration, reporting every problem at once. */
export function loadConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error)
    throw new HearthError('validation_failed', `invalid configuration: ${describeProblems(problems)}`, { problems })
  }
  const env = parsed.data
  const problems: Problem[] = []
  const tls = readTls(env, problems)
  const notifications = readNotificationSettings(env, problems)
  const metricsPort = env.HEARTH_METRICS_PORT
  if (metricsPort !== undefined && metricsPort !== 0 && [env.HEARTH_HTTP_PORT, env.HEARTH_MQTT_PORT, tls?.port].includes(metricsPort)) {
    problems.push({ field: 'HEARTH_METRICS_PORT', message: `${metricsPort} is already the HTTP or an MQTT port: give /metrics a port of its own` })
  }
  if (env.HEARTH_ROLLUP_RETENTION_DAYS < env.HEARTH_RAW_RETENTION_DAYS) {
    problems.push({ field: 'HEARTH_ROLLUP_RETENTION_DAYS', message: 'must be at least HEARTH_RAW_RETENTION_DAYS' })
  }
  if (problems.length > 0) {
    throw new HearthError('validation_failed', `invalid configuration: ${describeProblems(problems)}`, { problems })
  }
  const known = new Set(Object.keys(EnvSchema.shape))
  return {
    dataDir: resolve(env.HEARTH_DATA_DIR),
    host: env.HEARTH_HOST,
    httpPort: env.HEARTH_HTTP_PORT,
    mqttPort: env.HEARTH_MQTT_PORT,
    ...(tls ? { tls } : {}),
    ...(env.HEARTH_ADMIN_PASSWORD ? { adminPassword: env.HEARTH_ADMIN_PASSWORD } : {}),
    ...(env.HEARTH_SERVICE_PASSWORD ? { servicePassword: env.HEARTH_SERVICE_PASSWORD } : {}),
    serviceAddresses: env.HEARTH_SERVICE_ADDRESSES,
    logLevel: env.HEARTH_LOG_LEVEL,
    maxPacketBytes: env.HEARTH_MAX_PACKET_BYTES,
    connectTimeoutMs: env.HEARTH_CONNECT_TIMEOUT_MS,
    sessionTtlMs: env.HEARTH_SESSION_HOURS * 3_600_000,
    twoFactorGraceMs: env.HEARTH_TWO_FACTOR_GRACE_DAYS * 86_400_000,
    // Served over HTTPS directly, cookies are Secure as they are behind an HTTPS proxy.
    secureCookies: env.HEARTH_SECURE_COOKIES || tls !== undefined,
    trustProxy: env.HEARTH_TRUST_PROXY,
    metrics: {
      ...(metricsPort === undefined ? {} : { port: metricsPort }),
      ...(env.HEARTH_METRICS_TOKEN ? { token: env.HEARTH_METRICS_TOKEN } : {}),
    },
    publicOrigins: env.HEARTH_PUBLIC_ORIGIN,
    retention: { rawRetentionMs: env.HEARTH_RAW_RETENTION_DAYS * 86_400_000, rollupRetentionMs: env.HEARTH_ROLLUP_RETENTION_DAYS * 86_400_000 },
    ...(env.HEARTH_INFLUX_URL
      ? {
          influx: {
            url: env.HEARTH_INFLUX_URL,
            database: env.HEARTH_INFLUX_DATABASE,
            ...(env.HEARTH_INFLUX_USERNAME ? { username: env.HEARTH_INFLUX_USERNAME } : {}),
            ...(env.HEARTH_INFLUX_PASSWORD ? { password: env.HEARTH_INFLUX_PASSWORD } : {}),
            ...(env.HEARTH_INFLUX_TOKEN ? { token: env.HEARTH_INFLUX_TOKEN } : {}),
          },
        }
      : {}),
    notifications,
    unknownVariables: Object.keys(source).filter((k) => k.startsWith('HEARTH_') && !known.has(k)),
  }
}

export const CONFIG_HELP = Object.keys(EnvSchema.shape)
