/** The API's problems for one field (`error.problems`), next to it; inputs point here with aria-describedby. */
export function FieldProblems({ id, problems }: { id: string; problems: readonly string[] }) {
  if (problems.length === 0) return null
  return (
    <p id={id} class="field-error">
      {problems.join('; ')}
    </p>
  )
}

/** aria attributes for an input whose problems are shown by FieldProblems with `${id}-problems`. */
export function invalidProps(id: string, problems: readonly string[]) {
  return problems.length > 0 ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-problems` } : {}
}
