import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Plugin } from 'esbuild'
import mqtt, { type MqttClient } from 'mqtt'

/**
 * Bundles bench child processes into plain JavaScript in `dir` (packages left to node_modules), so
 * that they run on Node alone, as a deployed service would, without the TypeScript loader the
 * bench's own process carries (about 48 MiB here): each process's memory is its own. Returns the
 * URL of each entry's bundle, by the entry's name.
 */
export async function bundleForNode(dir: string, entries: readonly string[], plugins: Plugin[] = []): Promise<Map<string, string>> {
  const { build } = await import('esbuild')
  await build({
    entryPoints: entries.map((entry) => fileURLToPath(entry)),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins,
  })
  symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir')
  const name = (entry: string): string => (entry.split('/').pop() ?? entry).replace(/\.ts$/, '')
  return new Map(entries.map((entry) => [name(entry), pathToFileURL(join(dir, `${name(entry)}.mjs`)).href]))
}

/** A reference service's one MQTT client: a persistent session on loopback, as Hearth's own services keep. */
export function connectService(port: number, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync({ host: '127.0.0.1', port, clientId: username, username, password, clean: false, reconnectPeriod: 0, keepalive: 60 })
}
