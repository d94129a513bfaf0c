import { request } from 'node:https'

/**
 * `fetch` to an HTTPS server whose certificate `ca` (PEM) vouches for, such as the throwaway
 * self-signed one a test makes: Node's own fetch takes no CA but the system's unless given an
 * undici dispatcher, and undici is not a dependency of Hearth's.
 */
export function fetchTrusting(ca: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const method = init.method ?? 'GET'
  return new Promise<Response>((resolve, reject) => {
    const req = request(url, { method, headers: init.headers ?? {}, ca }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          for (const one of value === undefined ? [] : [value].flat()) headers.append(name, one)
        }
        const status = res.statusCode ?? 500
        const bodyless = method === 'HEAD' || [204, 205, 304].includes(status)
        resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers }))
      })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}
