import { spawn, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { connectLive, nextAlert, removeDir, startTestPlatform, type TestPlatform } from '../../harness/test-platform.js'

// .ci/run installs Debian's mosquitto-clients: this is how a newcomer tries Hearth from the README.
const haveClients = spawnSync('mosquitto_pub', ['--help']).error === undefined

function run(command: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(command, args, { stdio: 'ignore' }).once('exit', resolve))
}

describe('a device speaking through ordinary mosquitto clients', () => {
  let t: TestPlatform

  beforeAll(async () => {
    if (!haveClients) throw new Error('mosquitto_pub is not installed: run .ci/run or apt-get install mosquitto-clients')
    t = await startTestPlatform()
  })

  afterAll(async () => {
    await t.close()
    removeDir(t.dataDir)
  })

  it('gets a mosquitto_pub alarm onto the live dashboard and the acknowledgement back to mosquitto_sub', async () => {
    const personId = await t.api.createPerson('Ivy Evans')
    const { id, secret } = await t.api.provision('pendant', personId, 'pendant-mosq')
    const port = new URL(t.mqttUrl).port
    const live = await connectLive(t.api)
    const seen = nextAlert(live, (a) => a.deviceId === id)
    // Asynchronously: the broker runs in this very process.
    const pub = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-i', id, '-u', id, '-P', secret, '-q', '1', '-t', `wellbeing/v1/devices/${id}/events`, '-m', '{"id":"e-1","type":"alarm.pressed","data":{}}'])
    expect(pub).toBe(0)
    const alert = await seen
    expect(alert).toMatchObject({ kind: 'alarm.pressed', personName: 'Ivy Evans', priority: 'emergency' })

    // The same device listens for its commands (one connection per client id, so after the press).
    // stdbuf: mosquitto_sub's stdout is a pipe here, which would hold its lines until it exits.
    const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-d', '-h', '127.0.0.1', '-p', port, '-i', id, '-u', id, '-P', secret, '-q', '1', '-c', '-C', '1', '-t', `wellbeing/v1/devices/${id}/commands`])
    onTestFinished(() => void sub.kill())
    let received = ''
    sub.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()))
    const subDone = new Promise<number | null>((resolve) => sub.once('exit', resolve))
    await new Promise<void>((resolve) => {
      const onData = (): void => {
        if (/received SUBACK/i.test(received)) {
          sub.stdout.off('data', onData)
          resolve()
        }
      }
      sub.stdout.on('data', onData)
    })
    expect((await t.api.request('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200)
    live.disconnect()
    expect(await subDone).toBe(0)
    const payload = received.split('\n').find((line) => line.startsWith('{')) ?? ''
    expect(JSON.parse(payload)).toMatchObject({ type: 'alarm.acknowledged', alertId: alert.id, text: 'Your call has been answered' })
  })
})
