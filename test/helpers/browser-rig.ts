import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Clock, DeviceType } from '../../contract/index.js'
import { VirtualDevice } from '../../simulators/virtual-device.js'
import { launchBrowser, signIn } from './browser.js'
import { removeDir, startTestPlatform, tempDir, type TestPlatform } from '../../harness/test-platform.js'

/** The operator's screen the dashboard is built for first. */
export const DESKTOP = { width: 1366, height: 768 }

/**
 * What a browser suite stands on: the whole platform on a throwaway data folder, Debian's
 * Chromium, and the devices and browser contexts the suite opens, all closed together.
 */
export class BrowserRig {
  readonly dataDir = tempDir()
  platform!: TestPlatform
  browser!: Browser
  private readonly contexts: BrowserContext[] = []
  private readonly devices: VirtualDevice[] = []

  /** `env` and `clock` as startTestPlatform takes them (HEARTH_ variables over the harness's defaults; a clock the suite moves). */
  async start(env: Record<string, string> = {}, clock?: Clock): Promise<TestPlatform> {
    this.platform = await startTestPlatform(this.dataDir, env, clock)
    this.browser = await launchBrowser()
    return this.platform
  }

  /** A provisioned device, connected over MQTT. */
  async device(type: DeviceType, personId: string, id: string): Promise<VirtualDevice> {
    const device = new VirtualDevice(await this.platform.api.provision(type, personId, id), this.platform.mqttUrl)
    await device.connect()
    this.devices.push(device)
    return device
  }

  /** A fresh browser context: its own cookies, as another person's browser. */
  async context(viewport = DESKTOP): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport })
    this.contexts.push(context)
    return context
  }

  /** A page in a fresh context. */
  async page(viewport = DESKTOP): Promise<Page> {
    return (await this.context(viewport)).newPage()
  }

  /** A page signed in as this user. */
  async signedIn(who: { username: string; password: string }, viewport = DESKTOP): Promise<Page> {
    const page = await this.page(viewport)
    await signIn(page, this.platform.httpUrl, who.username, who.password)
    return page
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close()))
    await this.browser?.close()
    await Promise.all(this.devices.map((d) => d.close()))
    await this.platform?.close()
    removeDir(this.dataDir)
  }
}
