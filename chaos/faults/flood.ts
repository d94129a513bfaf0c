import { plainSetup, sleep, type Fault } from './fault.js'

export const flood: Fault = {
  name: 'flood',
  title: 'one pendant flooding alarm.pressed',
  describe: 'one pendant gone wrong tries to send 5,000 alarm.pressed a second (QoS 1, up to 1,000 in flight) for 20 s (8 s with --short) while the others carry on; their alarms must still be answered',
  flooder: true,
  prepare: () => Promise.resolve(plainSetup()),
  async inject(ctx) {
    const startedAtMs = Date.now()
    ctx.fleet.startFlood(ctx.options.floodRate)
    await sleep(ctx.options.floodMs)
    const offered = ctx.fleet.stopFlood()
    const endedAtMs = Date.now()
    const seconds = (endedAtMs - startedAtMs) / 1000
    const sent = offered - ctx.fleet.floodHeldBack
    return {
      startedAtMs,
      endedAtMs,
      notes: [
        `the flooding pendant pressed ${offered} times in ${seconds.toFixed(1)} s; ${sent} went to its connection (${Math.round(sent / seconds)}/s), ${ctx.fleet.floodHeldBack} were held back while it already had its window queued`,
      ],
    }
  },
}
