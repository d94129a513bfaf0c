import { execFile, execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { atInterrupt } from '../interrupt.js'
import { sleep, type Fault } from './fault.js'

const run = promisify(execFile)

const MOUNT_HEADROOM_BYTES = 512 * 1024
const FULL_BELOW_BYTES = 64 * 1024

function freeBytes(path: string): number {
  const s = statfsSync(path)
  return s.bavail * s.bsize
}

export const diskFull: Fault = {
  name: 'diskfull',
  title: 'disk full, then space freed',
  describe: 'the data folder on a small tmpfs; under load a ballast file takes all but 512 KiB, the platform fills the rest, the disk stays full (30 s; 8 s with --short), then the ballast goes',
  async prepare(options) {
    const mount = mkdtempSync(join(tmpdir(), 'hearth-chaos-disk-'))
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${options.tmpfsMb}m,mode=0700`, 'tmpfs', mount])
    } catch (error) {
      rmSync(mount, { recursive: true, force: true })
      const why = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim()
      return { skip: `mounting a tmpfs is not permitted here (${why}); run as root, with the right to mount` }
    }
    const dataDir = join(mount, 'data')
    mkdirSync(dataDir)
    const forget = atInterrupt(() => {
      execFileSync('umount', ['-l', mount])
      rmSync(mount, { recursive: true, force: true })
    })
    return {
      dataDir,
      env: {},
      mount,
      async tearDown(keep) {
        forget()
        if (keep) {
          // The data stays readable where it was mounted until unmounted by hand.
          return
        }
        await run('umount', [mount]).catch(() => run('umount', ['-l', mount]))
        rmSync(mount, { recursive: true, force: true })
      },
    }
  },
  async inject(ctx) {
    const mount = ctx.setup.mount
    if (!mount) throw new Error('the tmpfs is not mounted')
    const ballast = join(mount, 'ballast')
    const startedAtMs = Date.now()
    const fd = openSync(ballast, 'w')
    const chunk = Buffer.alloc(1024 * 1024)
    try {
      for (let room = freeBytes(mount) - MOUNT_HEADROOM_BYTES; room > 0; room = freeBytes(mount) - MOUNT_HEADROOM_BYTES) {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room))
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
    } finally {
      closeSync(fd)
    }
    ctx.progress(`ballast written; ${Math.round(freeBytes(mount) / 1024)} KiB left for the platform to fill`)
    const deadline = Date.now() + 20_000
    while (freeBytes(mount) >= FULL_BELOW_BYTES && Date.now() < deadline) await sleep(100)
    const fullAtMs = Date.now()
    const full = freeBytes(mount) < FULL_BELOW_BYTES
    ctx.progress(full ? `disk full (${Math.round(freeBytes(mount) / 1024)} KiB free); holding ${ctx.options.diskFullMs / 1000} s` : 'the platform did not fill the last space in 20 s; holding anyway')
    await sleep(ctx.options.diskFullMs)
    unlinkSync(ballast)
    const endedAtMs = Date.now()
    return {
      startedAtMs,
      endedAtMs,
      notes: [full ? `disk full ${fullAtMs - startedAtMs} ms after the ballast began, for ${endedAtMs - fullAtMs} ms` : `the disk never went below ${FULL_BELOW_BYTES / 1024} KiB free`],
    }
  },
}
