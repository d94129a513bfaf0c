import { join } from 'node:path'
import { ROOT, filesUnder, runStampedBuild } from './build-stamp.js'

const HELP = `Usage: tsx platform/build-web.ts [--if-changed]

Builds the dashboard's web app (dashboard/web) into dashboard/dist with Vite, as npm run build
does. With --if-changed (what npm start, npm run demo and npm run scenario use), it builds only
when the app's sources changed since the last build: a hash of them is kept beside the build, so
a restart does not wait for a build it does not need.

Options:
  --if-changed  skip the build when dashboard/dist was built from these very sources
  -h, --help    this text`

const OUT_DIR = join(ROOT, 'dashboard/dist')
/** Everything the bundle is built from: the app, what it imports from outside it, and the build's own settings. */
const SOURCES = ['dashboard/web', 'contract', 'dashboard/access-policy.ts', 'dashboard/ports.ts', 'vite.config.ts', 'package-lock.json']

runStampedBuild({
  name: 'web app',
  help: HELP,
  stamp: join(OUT_DIR, '.sources-hash'),
  output: join(OUT_DIR, 'index.html'),
  sources: () => SOURCES.flatMap((source) => filesUnder(join(ROOT, source))),
  async build() {
    const { build } = await import('vite')
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
  },
}).catch((error: unknown) => {
  console.error(`build-web: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(process.exitCode ?? 1)
})
