import type { Config } from './config.js'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * Whether passwords, session cookies and health data would cross the network in clear: Hearth
 * listens beyond loopback over plain HTTP (no HEARTH_TLS_KEY_FILE and HEARTH_TLS_CERT_FILE) and
 * nothing says an HTTPS proxy stands in front (HEARTH_SECURE_COOKIES).
 */
export function openInClear(config: Pick<Config, 'host' | 'secureCookies' | 'tls'>): boolean {
  return !LOOPBACK_HOSTS.has(config.host) && !config.secureCookies && config.tls === undefined
}

/** What the log and the console say at start when it is. */
export const OPEN_IN_CLEAR =
  'NOT PROTECTED: the dashboard and API listen beyond this machine over plain HTTP, so passwords and health data cross the network in clear. Give Hearth a key and certificate to serve HTTPS itself (HEARTH_TLS_KEY_FILE, HEARTH_TLS_CERT_FILE), or put it behind an HTTPS reverse proxy and set HEARTH_SECURE_COOKIES=true (docs/security.md), or listen on loopback only (HEARTH_HOST=127.0.0.1)'
