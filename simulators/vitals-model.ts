/** Plausible resting vitals for one person: a slow random walk around a personal baseline. */
export interface Vitals {
  heart_rate: number
  respiratory_rate: number
  spo2: number
  body_temperature: number
}

/** A small seeded generator (mulberry32) so a home's readings can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))
const round = (v: number, digits: number): number => Number(v.toFixed(digits))

export function createVitalsModel(random: () => number) {
  const baseline: Vitals = {
    heart_rate: 62 + random() * 20,
    respiratory_rate: 13 + random() * 4,
    spo2: 95 + random() * 3,
    body_temperature: 36.4 + random() * 0.5,
  }
  const current: Vitals = { ...baseline }
  const step = (key: keyof Vitals, spread: number, lo: number, hi: number): void => {
    const pull = (baseline[key] - current[key]) * 0.2
    current[key] = clamp(current[key] + pull + (random() - 0.5) * spread, lo, hi)
  }
  return {
    next(): Vitals {
      step('heart_rate', 6, 45, 120)
      step('respiratory_rate', 1.5, 10, 22)
      step('spo2', 1, 92, 100)
      step('body_temperature', 0.1, 35.8, 37.6)
      return {
        heart_rate: Math.round(current.heart_rate),
        respiratory_rate: Math.round(current.respiratory_rate),
        spo2: Math.round(current.spo2),
        body_temperature: round(current.body_temperature, 1),
      }
    },
  }
}
