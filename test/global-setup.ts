import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Before any test file: compiles the server into build/ when its sources changed, as npm start
 * does, so that tests running the platform as `node build/platform/main.js` run what ships.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'platform/build-server.ts', '--if-changed'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  })
}
