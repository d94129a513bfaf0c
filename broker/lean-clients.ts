import { createRequire } from 'node:module'
import type { Aedes, Client } from 'aedes'

/** The buffer list mqtt-packet's parser gathers a connection's unparsed bytes in: the same methods, without a stream. */
type BufferListClass = new () => object

const require = createRequire(import.meta.url)
const { BufferList } = createRequire(require.resolve('mqtt-packet'))('bl') as { BufferList: BufferListClass }

/** The part of an aedes client's packet parser (mqtt-packet) touched here. */
interface ClientParser {
  _list: object
  /** After CONNECT, the CONNECT packet itself; the parser reads only these two fields of it from then on. */
  settings?: { protocolVersion?: number; bridgeMode?: boolean }
}

const parserOf = (client: Client): ClientParser | undefined => (client as unknown as { _parser?: ClientParser })._parser

/**
 * Has each connection aedes takes hold less while idle. mqtt-packet's parser gathers the bytes of
 * a packet under way in a `bl` BufferListStream: a whole readable and writable stream (two stream
 * states, their buffers and listeners, over 1 KiB) of which it only ever uses the buffer-list
 * methods (append, consume, slice, read*). The plain BufferList from the same package has those
 * methods, so each new client's parser gets one, while its list is still empty. (A parser that
 * fails resets itself to a new stream list; its connection is then closed anyway.)
 *
 * The parser also keeps the whole CONNECT packet as its `settings` for as long as the connection
 * lasts (client id, user name, will, and the password: a view that keeps the CONNECT's read buffer,
 * and the device's secret, in memory), though from then on it reads only the protocol version and
 * bridge mode. Once aedes has taken the client in, those two are all it keeps.
 */
export function leanClients(aedes: Aedes): void {
  const handle = aedes.handle
  aedes.handle = (conn, req): Client => {
    const client = handle(conn, req)
    const parser = parserOf(client)
    if (parser && 'append' in parser._list) parser._list = new BufferList()
    return client
  }
  aedes.on('client', forgetConnect)
}

function forgetConnect(client: Client): void {
  const parser = parserOf(client)
  const settings = parser?.settings
  if (parser && settings) parser.settings = { protocolVersion: settings.protocolVersion, bridgeMode: settings.bridgeMode }
}
