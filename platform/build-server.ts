import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT, filesUnder, runStampedBuild } from './build-stamp.js'

const HELP = `Usage: tsx platform/build-server.ts [--if-changed]

Compiles the platform's TypeScript (everything npm start runs, in its own threads too) into
build/, file for file, so that the platform starts with plain node: no compiler loaded and no
module compiled at start-up, in the process or in its threads. npm start runs
node build/platform/main.js after it.

Options:
  --if-changed  skip the build when build/ was compiled from these very sources
  -h, --help    this text`

const OUT_DIR = join(ROOT, 'build')
/** The server's source folders; the web app (dashboard/web) is built by Vite into dashboard/dist. */
const FOLDERS = ['alerting', 'broker', 'contract', 'dashboard', 'ingest', 'notifications', 'platform', 'simulators', 'stores']
const SKIPPED = [join('dashboard', 'web'), join('dashboard', 'dist')]

const sources = (): string[] => FOLDERS.flatMap((folder) => filesUnder(join(ROOT, folder), SKIPPED)).filter((file) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.d.ts'))

runStampedBuild({
  name: 'server',
  help: HELP,
  stamp: join(OUT_DIR, '.sources-hash'),
  output: join(OUT_DIR, 'platform', 'main.js'),
  sources: () => [...sources(), join(ROOT, 'package-lock.json')],
  async build() {
    const { build } = await import('esbuild')
    rmSync(OUT_DIR, { recursive: true, force: true })
    const files = sources()
    // File for file, imports left as written (they name the .js each module becomes).
    await build({ entryPoints: files.filter((file) => file.endsWith('.ts')), outdir: OUT_DIR, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', bundle: false, sourcemap: 'linked', logLevel: 'warning' })
    for (const file of files.filter((f) => f.endsWith('.mjs'))) {
      const target = join(OUT_DIR, relative(ROOT, file))
      mkdirSync(dirname(target), { recursive: true })
      copyFileSync(file, target)
    }
    // Modules find the web app by their own place: give them the same neighbour.
    symlinkSync(join(ROOT, 'dashboard', 'dist'), join(OUT_DIR, 'dashboard', 'dist'), 'dir')
    writeFileSync(join(OUT_DIR, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`)
  },
}).catch((error: unknown) => {
  console.error(`build-server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(process.exitCode ?? 1)
})
