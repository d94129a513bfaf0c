/** The audible cue for a new emergency: a Web Audio beep, no file to load. */

const MUTE_KEY = 'hearth.muteSound'
let context: AudioContext | undefined

/** Only the mute preference is kept in this browser: nothing about people, no credentials. */
export function isMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === 'true'
  } catch {
    return false
  }
}

export function setMuted(muted: boolean): void {
  try {
    window.localStorage.setItem(MUTE_KEY, String(muted))
  } catch {
    // Storage refused (private mode, quota): the choice holds until the page reloads.
  }
}

function audioContext(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined
  context ??= new AudioContext()
  return context
}

/** True while the browser keeps audio locked (until a gesture on this page, e.g. after a reload). */
export function isAudioLocked(): boolean {
  return audioContext()?.state === 'suspended'
}

/** Calls `listener` whenever audio is locked or unlocked; returns the unsubscribe. */
export function onAudioStateChange(listener: () => void): () => void {
  const ctx = audioContext()
  if (!ctx) return () => undefined
  ctx.addEventListener('statechange', listener)
  return () => ctx.removeEventListener('statechange', listener)
}

/** Browsers start audio only after a gesture: called on the first click or key press. */
export function unlockAudio(): void {
  const ctx = audioContext()
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined)
}

/** Three short tones. Does nothing when muted or when the browser has not allowed audio yet. */
export function playEmergencyCue(): void {
  const ctx = isMuted() ? undefined : audioContext()
  if (!ctx) return
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
  const start = ctx.currentTime + 0.05
  for (let i = 0; i < 3; i++) {
    const at = start + i * 0.3
    const oscillator = ctx.createOscillator()
    const gain = ctx.createGain()
    oscillator.type = 'square'
    oscillator.frequency.value = i === 1 ? 1046 : 880
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2)
    oscillator.connect(gain).connect(ctx.destination)
    oscillator.start(at)
    oscillator.stop(at + 0.22)
  }
}

/**
 * The supervisor's cue for an alert nobody answered in time: two long falling tones, unlike the
 * emergency's three short square beeps, so that it is told apart without looking. Muted with it.
 */
export function playEscalationCue(): void {
  const ctx = isMuted() ? undefined : audioContext()
  if (!ctx) return
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
  const start = ctx.currentTime + 0.05
  for (let i = 0; i < 2; i++) {
    const at = start + i * 0.7
    const oscillator = ctx.createOscillator()
    const gain = ctx.createGain()
    oscillator.type = 'triangle'
    oscillator.frequency.setValueAtTime(660, at)
    oscillator.frequency.exponentialRampToValueAtTime(440, at + 0.55)
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.05)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6)
    oscillator.connect(gain).connect(ctx.destination)
    oscillator.start(at)
    oscillator.stop(at + 0.62)
  }
}
