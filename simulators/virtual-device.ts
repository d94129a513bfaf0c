import { EventEmitter } from 'node:events'
import { connectAsync, type MqttClient } from 'mqtt'
import {
  DeviceCommandSchema,
  OFFLINE_WILL_PAYLOAD,
  deviceTopic,
  type DeviceCommand,
  type EventType,
} from '../contract/index.js'

export interface DeviceCredentials {
  id: string
  secret: string
}

/**
 * One simulated device, speaking only MQTT exactly as PROTOCOL.md says: persistent session,
 * a retained status, an offline will, and its own topics only.
 */
export class VirtualDevice extends EventEmitter<{ command: [DeviceCommand]; refusal: [unknown] }> {
  private client: MqttClient | undefined
  private eventCounter = 0

  constructor(
    readonly credentials: DeviceCredentials,
    private readonly mqttUrl: string,
  ) {
    super()
  }

  get id(): string {
    return this.credentials.id
  }

  async connect(): Promise<void> {
    const { id, secret } = this.credentials
    this.client = await connectAsync(this.mqttUrl, {
      clientId: id,
      username: id,
      password: secret,
      clean: false,
      reconnectPeriod: 2000,
      will: { topic: deviceTopic(id, 'status'), payload: Buffer.from(OFFLINE_WILL_PAYLOAD), qos: 1, retain: true },
    })
    this.client.on('message', (topic, payload) => {
      if (topic.endsWith('/commands')) {
        const parsed = DeviceCommandSchema.safeParse(JSON.parse(payload.toString()))
        if (parsed.success) this.emit('command', parsed.data)
      } else {
        this.emit('refusal', JSON.parse(payload.toString()) as unknown)
      }
    })
    await this.client.subscribeAsync([deviceTopic(id, 'commands'), deviceTopic(id, 'errors')], { qos: 1 })
    await this.status({ online: true, battery: 0.9, firmware: 'sim-1.0' })
  }

  async status(status: { online: boolean; battery?: number; firmware?: string }): Promise<void> {
    await this.client?.publishAsync(deviceTopic(this.id, 'status'), JSON.stringify({ ...status, ts: Date.now() / 1000 }), { qos: 1, retain: true })
  }

  async event(type: EventType, data: Record<string, unknown> = {}): Promise<string> {
    const id = `e-${Date.now().toString(36)}-${++this.eventCounter}`
    await this.client?.publishAsync(deviceTopic(this.id, 'events'), JSON.stringify({ id, type, ts: Date.now() / 1000, data }), { qos: 1 })
    return id
  }

  async readings(pack: readonly object[], qos: 0 | 1 = 0): Promise<void> {
    await this.client?.publishAsync(deviceTopic(this.id, 'readings'), JSON.stringify(pack), { qos })
  }

  async close(): Promise<void> {
    await this.client?.endAsync()
  }
}
