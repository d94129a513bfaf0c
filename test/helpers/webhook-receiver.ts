import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One request a receiver took, as it came. */
export interface ReceivedWebhook {
  id: string
  timestamp: string
  signature: string
  body: string
  status: number
}

export interface WebhookReceiver {
  url: string
  port: number
  received: ReceivedWebhook[]
  close(): Promise<void>
}

/**
 * An integrator's endpoint on 127.0.0.1: records every POST and answers it with the status
 * `answer` gives for the request's number (0 the first), 200 unless told otherwise. `port` 0 takes
 * a free one.
 */
export async function startWebhookReceiver(answer: (n: number) => number = () => 200, port = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const status = answer(received.length)
      received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      })
      res.writeHead(status, { 'content-type': 'text/plain' }).end('thanks')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}/hearth-hook`,
    port: bound,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/**
 * What a receiver checks with the Standard Webhooks reference library (not Hearth's code): the
 * signature over id, timestamp and body with the secret, and a timestamp within five minutes.
 * Returns the parsed payload; throws when it does not verify.
 */
export function verifiedPayload(secret: string, message: ReceivedWebhook): any {
  return new Webhook(secret).verify(message.body, {
    'webhook-id': message.id,
    'webhook-timestamp': message.timestamp,
    'webhook-signature': message.signature,
  })
}

/**
 * As verifiedPayload, for a Hearth whose clock a test has set elsewhere in time: the signature over
 * id, timestamp and body is checked with the reference library, the timestamp's age is not (it is
 * compared with `expectedAtMs`, the time the test's clock gave, instead).
 */
export function signedPayloadAt(secret: string, message: ReceivedWebhook, expectedAtMs: number): any {
  const at = new Date(Number(message.timestamp) * 1000)
  if (Math.abs(at.getTime() - expectedAtMs) > 5 * 60_000) throw new Error(`webhook-timestamp ${message.timestamp} is not near ${new Date(expectedAtMs).toISOString()}`)
  const expected = new Webhook(secret).sign(message.id, at, message.body).split(' ')
  if (!message.signature.split(' ').some((s) => expected.includes(s))) throw new Error('webhook-signature does not verify')
  return JSON.parse(message.body)
}

/** A port nothing listens on now (taken and given back), for a receiver that is down until it starts there. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
