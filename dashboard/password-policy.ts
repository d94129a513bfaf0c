import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { HearthError } from '../contract/index.js'

/**
 * New passwords (ASVS 6.2.4, 6.2.12): besides the 12 characters the schemas ask for, refused when
 * they are easy to guess: on the common-password lists (passwords seen in breaches, ranked by how
 * often), close to one (`Password123!`, `qwertyuiop123`), a repeat or a sequence, or built on the
 * user's own name. zxcvbn-ts estimates how many guesses a password takes; below 10^8 (its score 3,
 * "safely unguessable" against an online attack and a slow hash) it is refused with its reason.
 * Offline: no password or hash of one leaves Hearth.
 *
 * The estimate runs on the event loop and takes up to tens of milliseconds, so it runs only when a
 * password is set (rarely), on at most the first 128 characters; the lists load on first use.
 */
const MIN_SCORE = 3
const CHECKED_LENGTH = 128

let estimator: Promise<ZxcvbnFactory> | undefined

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')])
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations })
  })()
  return estimator
}

/** Why the password is too easy to guess, or undefined when it is not. `context`: the user's own names, which a password should not lean on. */
export async function guessableBecause(password: string, context: readonly string[]): Promise<string | undefined> {
  const zxcvbn = await loadEstimator()
  const result = zxcvbn.check(password.slice(0, CHECKED_LENGTH), [...context, 'hearth', 'telecare'])
  if (result.score >= MIN_SCORE) return undefined
  const why = result.feedback.warning ?? 'It would be found within the first hundred million guesses.'
  const advice = result.feedback.suggestions[0] ?? 'Add another word or two.'
  return `too easy to guess: ${why.replace(/\.$/, '')}. ${advice}`
}

/** Refuses a password that is too easy to guess, naming the field it came in. */
export async function assertHardToGuess(password: string, context: readonly string[], field: string, what: string): Promise<void> {
  const why = await guessableBecause(password, context)
  if (why !== undefined) throw new HearthError('validation_failed', `invalid ${what}: ${field}: ${why}`, { problems: [{ field, message: why }] })
}
