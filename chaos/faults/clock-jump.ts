import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plainSetup, sleep, type Fault, type FaultContext } from './fault.js'

/** libfaketime's multithreaded build (the platform runs ingest in a worker thread), from Debian's libfaketime. */
function findLibfaketime(): string | undefined {
  const candidates = ['/usr/lib/faketime/libfaketimeMT.so.1']
  try {
    for (const dir of readdirSync('/usr/lib')) candidates.push(join('/usr/lib', dir, 'faketime', 'libfaketimeMT.so.1'))
  } catch {
    // no /usr/lib
  }
  return candidates.find((path) => existsSync(path))
}

/** The platform's clock as its HTTP answers date it (the Date header, to the second). */
async function platformClockOffsetMs(ctx: FaultContext): Promise<number | undefined> {
  try {
    const response = await fetch(`${ctx.platform.httpUrl}/healthz`, { signal: AbortSignal.timeout(5000) })
    const date = response.headers.get('date')
    return date ? Date.parse(date) - Date.now() : undefined
  } catch {
    return undefined
  }
}

/** A new offset for libfaketime, written beside the file and renamed over it, so that it never reads half a file. */
function setOffset(file: string, offsetMs: number): void {
  writeFileSync(`${file}.new`, `+${Math.round(offsetMs / 1000)}\n`)
  renameSync(`${file}.new`, file)
}

const hours = (ms: number): string => (ms / 3_600_000).toFixed(2)

/** Polls the platform's clock until it reads `offsetMs` (within 2 s), for at most 10 s; the last reading and when. */
async function clockReads(ctx: FaultContext, offsetMs: number): Promise<{ offsetMs?: number; afterMs: number }> {
  const began = Date.now()
  let last: number | undefined
  while (Date.now() - began < 10_000) {
    last = await platformClockOffsetMs(ctx)
    if (last !== undefined && Math.abs(last - offsetMs) < 2000) break
    await sleep(200)
  }
  return { ...(last === undefined ? {} : { offsetMs: last }), afterMs: Date.now() - began }
}

export const clockJump: Fault = {
  name: 'clock',
  title: 'wall clock jumped ahead, then back',
  describe:
    "the platform's wall clock (only the platform's, through libfaketime) jumps 26 h ahead under load, stays there 20 s (5 s with --short), then jumps back to the true time; the devices' clocks stay true",
  prepare() {
    const library = findLibfaketime()
    if (!library) return Promise.resolve({ skip: "libfaketime is not installed (Debian's libfaketime; bash .ci/install-packages installs it)" })
    const dir = mkdtempSync(join(tmpdir(), 'hearth-chaos-clock-'))
    const file = join(dir, 'faketime.rc')
    writeFileSync(file, '+0\n')
    return Promise.resolve(
      plainSetup(
        {
          LD_PRELOAD: library,
          // An offset read from this file, at most a second old: the scenario changes it while the platform runs.
          FAKETIME_TIMESTAMP_FILE: file,
          FAKETIME_CACHE_DURATION: '1',
          // Only the wall clock jumps, as when NTP steps it: timers and timeouts run on the monotonic clock.
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
          FAKETIME_DISABLE_SHM: '1',
        },
        {
          clockFile: file,
          tearDown: () => {
            rmSync(dir, { recursive: true, force: true })
            return Promise.resolve()
          },
        },
      ),
    )
  },
  async inject(ctx) {
    const file = ctx.setup.clockFile
    if (!file) throw new Error('no clock file')
    const jumpMs = Math.round(ctx.options.clockJumpHours * 3600) * 1000
    const notes: string[] = []
    const startedAtMs = Date.now()
    setOffset(file, jumpMs)
    const ahead = await clockReads(ctx, jumpMs)
    notes.push(ahead.offsetMs === undefined ? 'the platform did not answer while its clock was ahead' : `the platform's clock read ${hours(ahead.offsetMs)} h ahead (its HTTP Date header) ${ahead.afterMs} ms after the jump`)
    ctx.progress(`platform clock ${ahead.offsetMs === undefined ? '?' : hours(ahead.offsetMs)} h ahead; back in ${ctx.options.clockJumpMs / 1000} s`)
    await sleep(Math.max(0, ctx.options.clockJumpMs - (Date.now() - startedAtMs)))
    setOffset(file, 0)
    const endedAtMs = Date.now()
    const back = await clockReads(ctx, 0)
    notes.push(
      back.offsetMs === undefined
        ? 'the platform did not answer after its clock jumped back'
        : Math.abs(back.offsetMs) < 2000
          ? `and the true time again (within 2 s) ${back.afterMs} ms after the jump back`
          : `and still ${hours(back.offsetMs)} h off ${back.afterMs} ms after the jump back`,
    )
    return { startedAtMs, endedAtMs, notes }
  },
}
