import { answerClockApplies } from '../../../contract/alert-kinds.js'
import { ANSWER_TARGET_SECONDS } from '../../../contract/api-values.js'
import { formatElapsed } from './format.js'

export type ClockState = 'neutral' | 'amber' | 'red'

/**
 * Whether the alert's wait counts against the answer target: every call about a person, not a
 * technical alert about the equipment (contract/alert-kinds.ts `answerClock`).
 */
export const hasAnswerClock = (alert: { kind: string }): boolean => answerClockApplies(alert.kind)

/** Against the 60 s answer target: amber from half of it, red from it; only while nobody has taken the alert. */
export function clockState(elapsedSeconds: number, waiting: boolean): ClockState {
  if (!waiting) return 'neutral'
  if (elapsedSeconds >= ANSWER_TARGET_SECONDS) return 'red'
  if (elapsedSeconds >= ANSWER_TARGET_SECONDS / 2) return 'amber'
  return 'neutral'
}

const STATE_TEXT: Record<ClockState, string> = { neutral: '', amber: `nearing ${ANSWER_TARGET_SECONDS} s target`, red: `over ${ANSWER_TARGET_SECONDS} s target` }

interface Registered {
  sinceMs: number
  waiting: boolean
  time: HTMLElement
  /** Written in place each second: one text node, no element replaced. */
  text: Text
  note: HTMLElement | null
  lastText?: string
  lastState?: ClockState
}

/** Server time minus this browser's: clocks count from the server's idea of now, not a skewed local clock. */
let serverOffsetMs = 0

/** From the socket's `ready` event (contract/socket.ts): the server's time as it sent it. */
export function setServerTime(serverTimeIso: string): void {
  const server = Date.parse(serverTimeIso)
  if (Number.isFinite(server)) serverOffsetMs = server - Date.now()
}

/** Now, by the server's clock. */
export function serverNow(): number {
  return Date.now() + serverOffsetMs
}

const clocks = new Map<HTMLElement, Registered>()
let timer: number | undefined

function update(clock: Registered, nowMs: number): void {
  const seconds = Math.floor((nowMs - clock.sinceMs) / 1000)
  const text = formatElapsed(seconds)
  const state = clockState(seconds, clock.waiting)
  // Text only: the list itself is never re-rendered or re-sorted by the clock.
  if (text !== clock.lastText) {
    clock.text.nodeValue = text
    clock.lastText = text
  }
  if (state !== clock.lastState) {
    clock.time.dataset.state = state
    if (clock.note) clock.note.textContent = STATE_TEXT[state]
    clock.lastState = state
  }
}

function tickAll(): void {
  const now = serverNow()
  for (const clock of clocks.values()) update(clock, now)
}

/** One shared 1 s timer drives every clock on the page. */
export function registerClock(time: HTMLElement, note: HTMLElement | null, sinceIso: string, waiting: boolean): () => void {
  const textNode = document.createTextNode('')
  time.replaceChildren(textNode)
  const clock: Registered = { sinceMs: Date.parse(sinceIso), waiting, time, text: textNode, note }
  clocks.set(time, clock)
  update(clock, serverNow())
  timer ??= window.setInterval(tickAll, 1000)
  return () => {
    clocks.delete(time)
    if (clocks.size === 0 && timer !== undefined) {
      window.clearInterval(timer)
      timer = undefined
    }
  }
}
