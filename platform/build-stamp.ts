import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** The project's root folder. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Every file under `path` (itself, when it is a file), skipping the folders `skip` names (relative to the root). */
export function filesUnder(path: string, skip: readonly string[] = []): string[] {
  if (!existsSync(path)) return []
  if (skip.includes(relative(ROOT, path))) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name), skip))
}

/** A hash of each file's path and content, in a fixed order. */
function sourcesHash(files: readonly string[]): string {
  const hash = createHash('sha256')
  for (const file of [...files].sort()) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0')
  return hash.digest('hex')
}

export interface StampedBuild {
  /** Says what is built, in progress lines ("web app", "server"). */
  name: string
  help: string
  /** The stamp file holding the hash of the sources the last build was made from. */
  stamp: string
  /** A file the build must have left, or it is not there at all. */
  output: string
  sources: () => string[]
  build: () => Promise<void>
}

/**
 * Runs a build from the command line: with --if-changed, only when its sources changed since the
 * last build (a hash of them is kept in a stamp file beside what it built).
 */
export async function runStampedBuild(spec: StampedBuild): Promise<void> {
  let values: { help?: boolean; 'if-changed'?: boolean }
  try {
    values = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, 'if-changed': { type: 'boolean' } }, strict: true }).values
  } catch (error) {
    process.exitCode = 2
    throw new Error(`${error instanceof Error ? error.message : String(error)} (--help for usage)`, { cause: error })
  }
  if (values.help) return console.log(spec.help)
  const files = spec.sources()
  const hash = sourcesHash(files)
  const built = existsSync(spec.stamp) && existsSync(spec.output) ? readFileSync(spec.stamp, 'utf8').trim() : undefined
  if (values['if-changed'] && built === hash) {
    console.log(`${spec.name}: up to date with its sources, not rebuilt`)
    return
  }
  console.log(`${spec.name}: building from ${files.length} files…`)
  await spec.build()
  writeFileSync(spec.stamp, `${hash}\n`)
  console.log(`${spec.name}: built`)
}
