import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const HELP = `Usage: tsx platform/build-web.ts [--if-changed]

Builds the dashboard's web app (dashboard/web) into dashboard/dist with Vite, as npm run build
does. With --if-changed (what npm start, npm run demo and npm run scenario use), it builds only
when the app's sources changed since the last build: a hash of them is kept beside the build, so
a restart does not wait for a build it does not need.

Options:
  --if-changed  skip the build when dashboard/dist was built from these very sources
  -h, --help    this text`

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT_DIR = join(ROOT, 'dashboard/dist')
const STAMP = join(OUT_DIR, '.sources-hash')
/** Everything the bundle is built from: the app, what it imports from outside it, and the build's own settings. */
const SOURCES = ['dashboard/web', 'contract', 'dashboard/access-policy.ts', 'dashboard/ports.ts', 'vite.config.ts', 'package-lock.json']

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name)))
}

/** A hash of every source file's path and content, in a fixed order. */
function sourcesHash(): string {
  const hash = createHash('sha256')
  const files = SOURCES.flatMap((source) => filesUnder(join(ROOT, source))).sort()
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0')
  return hash.digest('hex')
}

async function main(): Promise<void> {
  let values: { help?: boolean; 'if-changed'?: boolean }
  try {
    values = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, 'if-changed': { type: 'boolean' } }, strict: true }).values
  } catch (error) {
    process.exitCode = 2
    throw new Error(`${error instanceof Error ? error.message : String(error)} (--help for usage)`, { cause: error })
  }
  if (values.help) return console.log(HELP)
  const hash = sourcesHash()
  const built = existsSync(STAMP) && existsSync(join(OUT_DIR, 'index.html')) ? readFileSync(STAMP, 'utf8').trim() : undefined
  if (values['if-changed'] && built === hash) {
    console.log('web app: up to date with its sources, not rebuilt')
    return
  }
  console.log('web app: building dashboard/web into dashboard/dist…')
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
  writeFileSync(STAMP, `${hash}\n`)
  console.log('web app: built')
}

main().catch((error: unknown) => {
  console.error(`build-web: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(process.exitCode ?? 1)
})
