import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const HELP = `Usage: tsx platform/build-server.ts [--if-changed]

Compiles the platform's TypeScript (everything npm start runs, in its own threads too) into
build/, file for file, so that the platform starts with plain node: no compiler loaded and no
module compiled at start-up, in the process or in its threads. npm start runs
node build/platform/main.js after it.

Options:
  --if-changed  skip the build when build/ was compiled from these very sources
  -h, --help    this text`

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT_DIR = join(ROOT, 'build')
const STAMP = join(OUT_DIR, '.sources-hash')
/** The server's source folders; the web app (dashboard/web) is built by Vite into dashboard/dist. */
const FOLDERS = ['alerting', 'broker', 'contract', 'dashboard', 'ingest', 'platform', 'simulators', 'stores']
const EXCLUDED = [join('dashboard', 'web'), join('dashboard', 'dist')]

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return []
  if (EXCLUDED.some((excluded) => relative(ROOT, path) === excluded)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name)))
}

function sources(): string[] {
  return FOLDERS.flatMap((folder) => filesUnder(join(ROOT, folder))).filter((file) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.d.ts'))
}

function sourcesHash(files: readonly string[]): string {
  const hash = createHash('sha256')
  for (const file of [...files, join(ROOT, 'package-lock.json')].sort()) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0')
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
  const files = sources()
  const hash = sourcesHash(files)
  const built = existsSync(STAMP) && existsSync(join(OUT_DIR, 'platform', 'main.js')) ? readFileSync(STAMP, 'utf8').trim() : undefined
  if (values['if-changed'] && built === hash) {
    console.log('server: up to date with its sources, not recompiled')
    return
  }
  console.log(`server: compiling ${files.length} modules into build/…`)
  const { build } = await import('esbuild')
  rmSync(OUT_DIR, { recursive: true, force: true })
  const typescript = files.filter((file) => file.endsWith('.ts'))
  // File for file, imports left as written (they name the .js each module becomes).
  await build({ entryPoints: typescript, outdir: OUT_DIR, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', bundle: false, sourcemap: 'linked', logLevel: 'warning' })
  for (const file of files.filter((f) => f.endsWith('.mjs'))) {
    const target = join(OUT_DIR, relative(ROOT, file))
    mkdirSync(dirname(target), { recursive: true })
    copyFileSync(file, target)
  }
  // Modules find the web app and package.json by their own place: give them the same neighbours.
  symlinkSync(join(ROOT, 'dashboard', 'dist'), join(OUT_DIR, 'dashboard', 'dist'), 'dir')
  writeFileSync(join(OUT_DIR, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`)
  writeFileSync(STAMP, `${hash}\n`)
  console.log('server: compiled')
}

main().catch((error: unknown) => {
  console.error(`build-server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(process.exitCode ?? 1)
})
