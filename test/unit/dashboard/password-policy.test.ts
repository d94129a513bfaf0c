import { describe, expect, it } from 'vitest'
import { HearthError } from '../../../contract/index.js'
import { assertHardToGuess, guessableBecause } from '../../../dashboard/password-policy.js'

describe('new passwords: refused when easy to guess', () => {
  it.each([
    ['a common password with digits', '123456789012', /commonly used password/],
    ['a common password dressed up', 'Password123!', /similar to a commonly used password/],
    ['a keyboard row', 'qwertyuiop123', /commonly used password|keyboard/i],
    ['one character repeated', 'aaaaaaaaaaaa', /Repeated characters/],
  ])('refuses %s, saying why', async (_what, password, why) => {
    expect(await guessableBecause(password, [])).toMatch(why)
  })

  it('refuses one built on the user\'s own name that would otherwise pass', async () => {
    expect(await guessableBecause('margaretthatcher', [])).toBeDefined()
    expect(await guessableBecause('xqzv-margaret-thatcher', ['margaret', 'thatcher'])).toBeUndefined()
    expect(await guessableBecause('margaret.smith1', ['margaret.smith'])).toMatch(/too easy to guess/)
  })

  it.each(['correct horse battery staple', 'tin-lantern-otter-93', 'Rita walks the dog at 7'])('takes a password of unrelated words: %s', async (password) => {
    expect(await guessableBecause(password, ['rita'])).toBeUndefined()
  })

  it('answers a refusal as a validation problem on the field named', async () => {
    const refusal = await assertHardToGuess('Password123!', [], 'newPassword', 'password change').catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(HearthError)
    expect((refusal as HearthError).code).toBe('validation_failed')
    expect((refusal as HearthError).problems).toEqual([{ field: 'newPassword', message: expect.stringMatching(/^too easy to guess: /) }])
    await expect(assertHardToGuess('tin-lantern-otter-93', [], 'password', 'user')).resolves.toBeUndefined()
  })
})
