import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SOCKET_PATH } from '../../contract/index.js'
import { ADMIN_PASSWORD, eventually } from '../../harness/test-platform.js'
import { BrowserRig } from '../helpers/browser-rig.js'

/**
 * A page that is not Hearth's, served from another port of the same host: the same *site*, so the
 * browser sends Hearth's SameSite session cookie with what it asks for. It tries what a forged
 * request could do to a signed-in responder: acknowledge an alarm (a simple POST, no preflight)
 * and read the live feed over socket.io.
 */
function attackerPage(hearth: string, alertId: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Not Hearth</title>
<script src="${hearth}${SOCKET_PATH}/socket.io.js"></script>
<script>
window.outcome = { post: 'pending', live: 'pending', alerts: 0 }
fetch(${JSON.stringify(`${hearth}/api/alerts/${alertId}/acknowledge`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{}' })
  .then(() => { window.outcome.post = 'sent' }, (e) => { window.outcome.post = 'failed: ' + e })
const socket = io(${JSON.stringify(hearth)}, { path: ${JSON.stringify(SOCKET_PATH)}, transports: ['websocket', 'polling'], withCredentials: true, reconnection: false })
socket.on('ready', () => { window.outcome.live = 'open' })
socket.on('alert', () => { window.outcome.alerts++ })
socket.on('connect_error', (e) => { window.outcome.live = 'refused: ' + e.message })
</script>`
}

describe('requests forged by a page on another port of the same host, in Chromium', { timeout: 120_000 }, () => {
  const rig = new BrowserRig()
  let attacker: Server
  let attackerUrl = ''
  let alertId = ''

  beforeAll(async () => {
    const t = await rig.start()
    const personId = await t.api.createPerson('Ada Lovelace')
    const pendant = await rig.device('pendant', personId, 'pendant-forged')
    await pendant.event('alarm.pressed')
    alertId = await eventually(async () => (await t.api.request('GET', '/api/alerts?status=open')).body.alerts[0]?.id as string | undefined, 'the alarm raised')
    attacker = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html')
      res.end(attackerPage(t.httpUrl, alertId))
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`
  })

  afterAll(async () => {
    await rig.close()
    await new Promise((resolve) => attacker?.close(resolve))
  })

  it('cannot acknowledge an alarm or open the live feed with the responder\'s session, which still works on Hearth itself', async () => {
    const hearth = await rig.signedIn({ username: 'admin', password: ADMIN_PASSWORD })
    await expect.poll(() => hearth.getByTestId('alert-item').count(), { timeout: 10_000 }).toBe(1)

    // The same browser, the same session cookie, another page.
    const evil = await hearth.context().newPage()
    await evil.goto(attackerUrl)
    await expect.poll(() => evil.evaluate(() => (window as unknown as { outcome: { live: string } }).outcome.live), { timeout: 10_000 }).toMatch(/^refused/)
    await expect.poll(() => evil.evaluate(() => (window as unknown as { outcome: { post: string } }).outcome.post), { timeout: 10_000 }).toBe('sent')
    const outcome = await evil.evaluate(() => (window as unknown as { outcome: { alerts: number } }).outcome)
    expect(outcome.alerts).toBe(0)

    const alert = (await rig.platform.api.request('GET', `/api/alerts/${alertId}`)).body
    expect(alert).toMatchObject({ id: alertId, status: 'raised', acknowledgedBy: null })

    // The responder's own page, on the same session, acknowledges it.
    const own = await hearth.evaluate(async (id) => (await fetch(`/api/alerts/${id}/acknowledge`, { method: 'POST' })).status, alertId)
    expect(own).toBe(200)
    expect((await rig.platform.api.request('GET', `/api/alerts/${alertId}`)).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'admin' })
  })
})
