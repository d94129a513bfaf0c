/**
 * "Now" for readings that carry no time of their own, counted in whole microseconds: packs
 * received within the same millisecond are a microsecond apart, so they keep their order and stay
 * separate points (InfluxDB keeps one point per series and time). A clock set back by more than a
 * second is followed as it is; a smaller step back waits for the clock to catch up.
 */
export function createReadingsClock(): (receivedAtMs: number) => number {
  let lastUs = Number.NEGATIVE_INFINITY
  return (receivedAtMs) => {
    const nowUs = Math.round(receivedAtMs * 1000)
    const stepBack = lastUs - nowUs
    lastUs = stepBack >= 0 && stepBack < 1_000_000 ? lastUs + 1 : nowUs
    return lastUs / 1000
  }
}
