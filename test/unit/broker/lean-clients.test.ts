import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes, type Client } from 'aedes'
import { connectAsync } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { leanClients } from '../../../broker/lean-clients.js'

let closers: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of closers.reverse()) await close()
  closers = []
})

async function leanBroker(): Promise<{ url: string; clients: Client[] }> {
  const aedes = await Aedes.createBroker()
  leanClients(aedes)
  const clients: Client[] = []
  const server: Server = createServer((socket) => clients.push(aedes.handle(socket)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  closers.push(
    () => new Promise<void>((resolve) => aedes.close(() => resolve())),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  )
  return { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, clients }
}

describe('leanClients', () => {
  it('parses packets arriving in many reads into whole messages with a plain buffer list', async () => {
    const { url, clients } = await leanBroker()
    const subscriber = await connectAsync(url, { clientId: 'sub', username: 'sub', password: 'a device secret', reconnectPeriod: 0 })
    const publisher = await connectAsync(url, { clientId: 'pub', reconnectPeriod: 0 })
    closers.push(
      () => subscriber.endAsync(),
      () => publisher.endAsync(),
    )
    await subscriber.subscribeAsync('big/+', { qos: 1 })
    // Larger than a socket read, so the parser gathers it from several.
    const payload = Buffer.alloc(512 * 1024, 7)
    payload.write('end', payload.length - 3)
    const received = new Promise<Buffer>((resolve) => subscriber.once('message', (_topic, message) => resolve(message)))
    await publisher.publishAsync('big/1', payload, { qos: 1 })
    expect((await received).equals(payload)).toBe(true)
    for (const client of clients) {
      const list = (client as unknown as { _parser: { _list: object } })._parser._list
      expect('pipe' in list).toBe(false)
      expect('append' in list).toBe(true)
    }
  })

  it('keeps of a CONNECT, once the client is in, only what the parser reads later: not its password', async () => {
    const { url, clients } = await leanBroker()
    const device = await connectAsync(url, { clientId: 'd1', username: 'd1', password: 'a device secret', reconnectPeriod: 0 })
    closers.push(() => device.endAsync())
    await device.subscribeAsync('d1/commands', { qos: 1 })
    const settings = (clients[0] as unknown as { _parser: { settings: object } })._parser.settings
    expect(settings).toStrictEqual({ protocolVersion: 4, bridgeMode: undefined })
    // Packets after CONNECT are still read as MQTT 3.1.1.
    const received = new Promise<string>((resolve) => device.once('message', (_topic, message) => resolve(message.toString())))
    await device.publishAsync('d1/commands', 'ping', { qos: 1 })
    expect(await received).toBe('ping')
  })
})
