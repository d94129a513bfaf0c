import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ThrowawayCert {
  keyFile: string
  certFile: string
  /** The certificate, PEM: self-signed, so the CA that vouches for itself. */
  pem: string
  /** base64 SHA-256 of its public key, as Chromium's `--ignore-certificate-errors-spki-list` takes it. */
  spki: string
}

/** A throwaway self-signed certificate for 127.0.0.1 (and localhost), a day long, made with Debian's openssl. */
export function throwawayCert(dir: string, name = 'hearth'): ThrowawayCert {
  const keyFile = join(dir, `${name}-key.pem`)
  const certFile = join(dir, `${name}-cert.pem`)
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' })
  const pem = readFileSync(certFile, 'utf8')
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
  return { keyFile, certFile, pem, spki: createHash('sha256').update(der).digest('base64') }
}
