import type { DeviceType } from '../contract/index.js'
import type { ApiClient } from './api-client.js'
import { createVitalsModel, seededRandom } from './vitals-model.js'
import { VirtualDevice } from './virtual-device.js'

const HOME_DEVICES = ['pendant', 'fall-detector', 'wearable', 'motion-sensor'] as const satisfies readonly DeviceType[]
type HomeDeviceType = (typeof HOME_DEVICES)[number]

const ROOMS = ['kitchen', 'living room', 'hallway', 'bedroom', 'bathroom']
const CHECK_IN_MS = 5 * 60_000

export interface HomeOptions {
  mqttUrl: string
  reportSeconds: number
  seed: number
  log: (line: string) => void
}

/** A person's home: a pendant, a fall detector, a wearable sending vitals and a motion sensor. */
export class VirtualHome {
  private timers: NodeJS.Timeout[] = []
  private readonly random: () => number

  private constructor(
    readonly personId: string,
    readonly personName: string,
    readonly devices: Record<HomeDeviceType, VirtualDevice>,
    private readonly options: HomeOptions,
  ) {
    this.random = seededRandom(options.seed)
  }

  /** Creates the person and provisions the devices through the API. */
  static async provision(api: ApiClient, name: string, options: HomeOptions): Promise<VirtualHome> {
    const person = await api.createPerson(name)
    const entries = await Promise.all(
      HOME_DEVICES.map(async (type) => [type, new VirtualDevice(await api.provisionDevice(type, person.id), options.mqttUrl)] as const),
    )
    return new VirtualHome(person.id, person.name, Object.fromEntries(entries) as Record<HomeDeviceType, VirtualDevice>, options)
  }

  async start(): Promise<void> {
    await Promise.all(Object.values(this.devices).map((d) => d.connect()))
    this.devices.pendant.on('command', (command) => {
      this.options.log(`${this.personName}'s pendant: "${command.text ?? command.type}"`)
    })
    const vitals = createVitalsModel(this.random)
    const report = (): void => {
      const v = vitals.next()
      const pack = [
        { bn: `urn:dev:hearth:${this.devices.wearable.id}:`, bt: Date.now() / 1000, n: 'heart_rate', u: 'beat/min', v: v.heart_rate },
        { n: 'respiratory_rate', u: '1/min', v: v.respiratory_rate },
        { n: 'spo2', u: '%', v: v.spo2 },
        { n: 'body_temperature', u: 'Cel', v: v.body_temperature },
      ]
      void this.devices.wearable.readings(pack)
    }
    report()
    this.timers.push(setInterval(report, this.options.reportSeconds * 1000))
    // Check-ins well inside every type's interval, so no device looks offline (PROTOCOL §1 status).
    this.timers.push(
      setInterval(() => {
        for (const device of Object.values(this.devices)) void device.status({ online: true, battery: 0.9 })
      }, CHECK_IN_MS),
    )
    this.timers.push(
      setInterval(() => {
        if (this.random() < 0.3) void this.devices['motion-sensor'].event('motion', { room: ROOMS[Math.floor(this.random() * ROOMS.length)] })
      }, 15_000),
    )
  }

  async press(): Promise<void> {
    await this.devices.pendant.event('alarm.pressed')
    this.options.log(`${this.personName} pressed their pendant`)
  }

  async fall(): Promise<void> {
    await this.devices['fall-detector'].event('fall.detected', { confidence: 0.93 })
    this.options.log(`${this.personName}'s fall detector detected a fall`)
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    await Promise.all(Object.values(this.devices).map((d) => d.close()))
  }
}
