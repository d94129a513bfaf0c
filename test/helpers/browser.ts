import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium, headless, as root on a machine with no network beyond loopback; `extraArgs` go after its own. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  })
}

/** Serious and critical accessibility violations on the page as it stands (WCAG 2.2 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Whether the page fits its viewport's width, with nothing to scroll sideways. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

interface Api {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
}

/** An init script that records the waveform of every tone a page starts, so that a test can hear its cues and tell them apart. */
export const RECORD_TONES = `
  window.__tones = []
  const create = AudioContext.prototype.createOscillator
  AudioContext.prototype.createOscillator = function () {
    const oscillator = create.call(this)
    const start = oscillator.start.bind(oscillator)
    oscillator.start = (...args) => { window.__tones.push(oscillator.type); start(...args) }
    return oscillator
  }
`

/** The waveforms of the tones the page has started, in order (with RECORD_TONES). */
export const tonesOf = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __tones: string[] }).__tones)

export interface SceneUser {
  id: string
  username: string
  password: string
  displayName: string
}

/**
 * Circles of care set up as an acceptance test would, through PROTOCOL §2b: organisations, users
 * in them, and members of a person's circle, each refused loudly if the API says no.
 */
export class CircleScene {
  constructor(private readonly api: Api) {}

  private async created(path: string, body: unknown): Promise<any> {
    const { status, body: answer } = await this.api.request('POST', path, body)
    if (status !== 201) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(answer)}`)
    return answer
  }

  async organisation(name: string, kind: string): Promise<string> {
    return ((await this.created('/api/organisations', { name, kind })) as { id: string }).id
  }

  async user(username: string, displayName: string, organisationId: string, roles: string[], personId?: string): Promise<SceneUser> {
    const password = `${username}-password-1`
    const answer = (await this.created('/api/users', { username, password, displayName, organisationId, roles, ...(personId ? { personId } : {}) })) as { id: string }
    return { id: answer.id, username, password, displayName }
  }

  async person(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    return ((await this.created('/api/persons', { name, ...extra })) as { id: string }).id
  }

  async member(personId: string, membership: Record<string, unknown>): Promise<string> {
    return ((await this.created(`/api/persons/${personId}/circle`, membership)) as { id: string }).id
  }
}
