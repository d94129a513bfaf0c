import { LoadDevices, type LoadCredentials, type LoadTally, type MixedStream } from '../simulators/load-devices.js'
import { serveParent } from './child-rpc.js'

/** One load-generating process: a share of the simulated fleet (simulators/load-devices.ts). */
let fleet: LoadDevices | undefined
let credentials: LoadCredentials[] = []

const api = {
  init(params: { host: string; port: number; devices: LoadCredentials[]; connectPerSecond: number; keepaliveS: number }): void {
    credentials = params.devices
    fleet = new LoadDevices(params)
  },
  /** Connects the first `count` devices of this share (the rest stay away). */
  async connect(params: { count: number }): Promise<number> {
    if (!fleet) throw new Error('init first')
    await fleet.connectAll(credentials.slice(0, params.count))
    return fleet.connected
  },
  run: (stream: MixedStream): Promise<LoadTally> => {
    if (!fleet) throw new Error('init first')
    return fleet.run(stream)
  },
  tally: (): LoadTally | undefined => fleet?.snapshot(),
  async close(): Promise<void> {
    await fleet?.close()
    fleet = undefined
  },
}

export type LoadWorkerApi = typeof api

serveParent(api)
