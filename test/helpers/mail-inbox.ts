import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

interface Mail {
  to: string[]
  subject: string
  text: string
}

/** A header's RFC 2047 encoded words (`=?UTF-8?Q?…?=`, as a subject with an em dash is sent) decoded. */
function decodeWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, text: string) => decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1')))
}

/** A mail server on 127.0.0.1 (the `smtp-server` package) that keeps each message it accepts: recipients, subject and text. */
export async function startMailInbox() {
  const received: Mail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const split = raw.indexOf('\r\n\r\n')
        const header = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
        const subject = decodeWords(/^subject: (.*)$/im.exec(header)?.[1] ?? '')
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, text: raw.slice(split + 4).replace(/=\r\n/g, '').replace(/\r\n/g, '\n') })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
