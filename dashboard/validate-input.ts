import type { z } from 'zod'
import { HearthError, problemsFromZod, describeProblems } from '../contract/index.js'

/** Validates one boundary input; every problem is reported at once. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (!result.success) {
    const problems = problemsFromZod(result.error)
    throw new HearthError('validation_failed', `invalid ${what}: ${describeProblems(problems)}`, { problems })
  }
  return result.data
}
