/** PROTOCOL §1: a payload over 16 KiB is refused whole, as is one that is not JSON. */
export const MAX_DEVICE_PAYLOAD_BYTES = 16 * 1024

export type JsonPayload = { ok: true; value: unknown } | { ok: false; code: 'too_large' | 'not_json'; message: string }

const utf8 = new TextEncoder()

/** Reads a device payload as JSON within the size limit. */
export function readJsonPayload(payload: Buffer | string): JsonPayload {
  // TextEncoder, not Buffer.byteLength: contract/ runs in the browser too.
  const size = typeof payload === 'string' ? utf8.encode(payload).length : payload.length
  if (size > MAX_DEVICE_PAYLOAD_BYTES) {
    return { ok: false, code: 'too_large', message: `payload is ${size} bytes; the limit is ${MAX_DEVICE_PAYLOAD_BYTES}` }
  }
  try {
    return { ok: true, value: JSON.parse(payload.toString()) as unknown }
  } catch (error) {
    return { ok: false, code: 'not_json', message: `payload is not JSON: ${(error as Error).message}` }
  }
}
