import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startInfluxd } from '../../harness/influxd.js'
import { plainSetup, sleep, type Fault } from './fault.js'

const run = promisify(execFile)

const INFLUX_DATABASE = 'hearth'

export const influx: Fault = {
  name: 'influx',
  title: 'InfluxDB killed, then back',
  describe: 'readings go to a real influxd on loopback; it is killed (SIGKILL) under load and started again after the outage (60 s; 10 s with --short)',
  async prepare() {
    try {
      await run('influxd', ['version'])
    } catch {
      return { skip: "Debian's influxd is not installed (bash .ci/install-packages installs it)" }
    }
    const server = await startInfluxd()
    return plainSetup(
      { HEARTH_INFLUX_URL: server.url, HEARTH_INFLUX_DATABASE: INFLUX_DATABASE },
      { influx: { server, url: server.url, database: INFLUX_DATABASE }, tearDown: () => server.destroy() },
    )
  },
  async inject(ctx) {
    const server = ctx.setup.influx?.server
    if (!server) throw new Error('influxd is not running')
    const startedAtMs = Date.now()
    await server.stop('SIGKILL')
    ctx.progress(`influxd killed; back in ${ctx.options.influxOutageMs / 1000} s`)
    await sleep(ctx.options.influxOutageMs)
    const endedAtMs = Date.now()
    await server.start()
    const spooled = (await ctx.platform.metrics(['hearth_readings_spool_depth']))?.get('hearth_readings_spool_depth')
    return { startedAtMs, endedAtMs, notes: [`influxd answered /ping ${Date.now() - endedAtMs} ms after it was started again${spooled === undefined ? '' : `; ${spooled} readings spooled then`}`] }
  },
}
