/**
 * The text rules of MQTT 3.1.1 (§1.5.3 UTF-8 encoded strings, §4.7 topic names and filters),
 * checked on the bytes in place, so that an invalid string is never decoded, logged or looked up.
 * packet-rules.ts and connect-rules.ts apply them to every string a client sends.
 */

/** Why bytes are not an MQTT UTF-8 encoded string (§1.5.3), or undefined when they are one. */
export type StringProblem = 'ill_formed' | 'null_character' | 'control_character' | 'non_character'

/**
 * Checks the bytes `[start, end)` as an MQTT 3.1.1 UTF-8 encoded string: well-formed UTF-8 (no
 * surrogates, overlong forms or code points past U+10FFFF) [MQTT-1.5.3-1], no U+0000
 * [MQTT-1.5.3-2], and none of the code points §1.5.3 says a string SHOULD NOT hold and a receiver
 * MAY close the connection for: the controls U+0001–U+001F and U+007F–U+009F, and the Unicode
 * non-characters (U+FDD0–U+FDEF and the last two of every plane). U+FEFF is an ordinary character
 * [MQTT-1.5.3-3].
 */
export function stringProblem(bytes: Buffer, start: number, end: number): StringProblem | undefined {
  let i = start
  while (i < end) {
    const lead = bytes[i] as number
    if (lead < 0x80) {
      if (lead === 0) return 'null_character'
      if (lead < 0x20 || lead === 0x7f) return 'control_character'
      i++
      continue
    }
    let more: number
    let codePoint: number
    if (lead >= 0xc2 && lead <= 0xdf) {
      more = 1
      codePoint = lead & 0x1f
    } else if (lead >= 0xe0 && lead <= 0xef) {
      more = 2
      codePoint = lead & 0x0f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      more = 3
      codePoint = lead & 0x07
    } else {
      // A continuation byte, an overlong two-byte lead (C0, C1) or a lead past U+10FFFF.
      return 'ill_formed'
    }
    if (i + more >= end) return 'ill_formed'
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k] as number
      if ((next & 0xc0) !== 0x80) return 'ill_formed'
      codePoint = (codePoint << 6) | (next & 0x3f)
    }
    if ((more === 2 && codePoint < 0x800) || (more === 3 && (codePoint < 0x10000 || codePoint > 0x10ffff))) return 'ill_formed'
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'ill_formed'
    if (codePoint <= 0x9f) return 'control_character'
    if ((codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe) return 'non_character'
    i += more + 1
  }
  return undefined
}

/** Each string problem in words, with its statement, to follow the string's name in a refusal. */
export const STRING_PROBLEMS: Record<StringProblem, string> = {
  ill_formed: 'is not well-formed UTF-8 [MQTT-1.5.3-1]',
  null_character: 'holds U+0000 [MQTT-1.5.3-2]',
  control_character: 'holds a control character (MQTT 3.1.1 §1.5.3)',
  non_character: 'holds a Unicode non-character (MQTT 3.1.1 §1.5.3)',
}

const WILDCARD_PLUS = 0x2b
const WILDCARD_HASH = 0x23
const SEPARATOR = 0x2f

/** Why the bytes are not a topic name (non-empty, no wildcards), or undefined. UTF-8 is checked apart. */
export function topicNameProblem(bytes: Buffer, start: number, end: number): string | undefined {
  if (start === end) return 'is empty [MQTT-4.7.3-1]'
  for (let i = start; i < end; i++) {
    const byte = bytes[i]
    if (byte === WILDCARD_PLUS || byte === WILDCARD_HASH) return 'holds a wildcard [MQTT-3.3.2-2]'
  }
  return undefined
}

/** Why the bytes are not a topic filter (non-empty, wildcards each a whole level, `#` last), or undefined. */
export function topicFilterProblem(bytes: Buffer, start: number, end: number): string | undefined {
  if (start === end) return 'is empty [MQTT-4.7.3-1]'
  for (let i = start; i < end; i++) {
    const byte = bytes[i]
    if (byte !== WILDCARD_PLUS && byte !== WILDCARD_HASH) continue
    const wholeLevel = (i === start || bytes[i - 1] === SEPARATOR) && (i + 1 === end || bytes[i + 1] === SEPARATOR)
    if (byte === WILDCARD_HASH && (!wholeLevel || i + 1 !== end)) return 'has # other than as its whole last level [MQTT-4.7.1-2]'
    if (byte === WILDCARD_PLUS && !wholeLevel) return 'has + other than as a whole level [MQTT-4.7.1-3]'
  }
  return undefined
}
