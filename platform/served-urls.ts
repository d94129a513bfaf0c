import type { Config } from './config.js'

/** A listener's address as a URL names it: a wildcard as `localhost`, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

interface ServedUrls {
  dashboard: string
  mqttOverWebSocket: string
  mqtt: string
  mqtts?: string
}

/**
 * Where Hearth is reached from this machine, as the start banner and the start log give it: the
 * HTTP port as `https://` and `wss://` when Hearth holds a key and certificate (it then speaks
 * nothing else), `http://` and `ws://` otherwise.
 */
export function servedUrls(config: Pick<Config, 'host' | 'tls'>, ports: { httpPort: number; mqttPort: number; mqttsPort?: number | undefined }): ServedUrls {
  const host = urlHost(config.host)
  const secure = config.tls !== undefined
  return {
    dashboard: `${secure ? 'https' : 'http'}://${host}:${ports.httpPort}/`,
    mqttOverWebSocket: `${secure ? 'wss' : 'ws'}://${host}:${ports.httpPort}/mqtt`,
    mqtt: `mqtt://${host}:${ports.mqttPort}`,
    ...(ports.mqttsPort === undefined ? {} : { mqtts: `mqtts://${host}:${ports.mqttsPort}` }),
  }
}
