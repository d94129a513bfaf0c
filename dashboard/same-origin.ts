import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { RequestHandler } from 'express'
import { HearthError } from '../contract/index.js'

/**
 * Forged requests (OWASP ASVS 3.5.1, 4.4.2). A page elsewhere, even on another port of the same
 * host (the same *site*, so a SameSite cookie still goes with it), can make a signed-in browser
 * send a request to Hearth: a form post that acknowledges an alarm, a WebSocket that reads the
 * live feed. Browsers say where a request comes from: `Sec-Fetch-Site` (every current browser)
 * and `Origin` (on anything but a plain GET). A request a browser sends on a cookie is taken
 * only from Hearth's own origin; one with neither header is not from a browser's page (curl, an
 * integration, a device) and one on a bearer token carries no ambient credential, so neither can
 * be forged this way.
 */
export interface OriginPolicy {
  /**
   * Origins Hearth is reached at besides the one the request names (`HEARTH_PUBLIC_ORIGIN`):
   * behind a reverse proxy that rewrites `Host`, the address people type.
   */
  publicOrigins: readonly string[]
  /**
   * Whether the peer at `address`, `hop` proxies away (0: the socket's own), is one of Hearth's
   * reverse proxies: `X-Forwarded-Proto` says the scheme the browser used only when the socket's
   * peer is one (as express's `req.protocol` has it).
   */
  trustProxy: (address: string, hop: number) => boolean
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)

/** The origin the request itself names: its scheme and `Host`. */
function ownOrigin(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  const host = single(req.headers.host)
  if (host === undefined) return undefined
  const fromProxy = policy.trustProxy(req.socket.remoteAddress ?? '', 0)
  const forwarded = fromProxy ? single(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim() : undefined
  const scheme = forwarded ?? ((req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http')
  return `${scheme}://${host.toLowerCase()}`
}

/** Why a browser's request is not taken, or undefined when it may be. */
export function foreignOrigin(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  const site = single(req.headers['sec-fetch-site'])
  if (site !== undefined) {
    // `none`: typed into the address bar or opened from a bookmark, not sent by a page.
    if (site === 'same-origin' || site === 'none') return undefined
    return `it was sent by a page on another ${site === 'same-site' ? 'origin of this site' : 'site'}`
  }
  const origin = single(req.headers.origin)
  if (origin === undefined) return undefined
  if (origin === ownOrigin(req, policy) || policy.publicOrigins.includes(origin)) return undefined
  return `it was sent by a page at ${origin === 'null' ? 'an opaque origin' : origin}, not Hearth's own`
}

const onBearer = (req: IncomingMessage): boolean => single(req.headers.authorization)?.startsWith('Bearer ') === true

/** Refuses an API request a browser sent from a page that is not Hearth's. */
export function sameOriginOnly(policy: OriginPolicy): RequestHandler {
  return (req, _res, next) => {
    const why = onBearer(req) ? undefined : foreignOrigin(req, policy)
    if (why === undefined) return next()
    next(new HearthError('forbidden', `request refused: ${why}; Hearth's API takes browser requests from Hearth's own pages only`))
  }
}
