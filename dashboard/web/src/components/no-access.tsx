/** What a user sees on a page their roles do not reach (or when the API answers 403). */
export function NoAccess({ title }: { title: string }) {
  return (
    <section data-testid="no-access" aria-labelledby="no-access-title">
      <h1 id="no-access-title">{title}</h1>
      <p class="notice">You do not have access to this page.</p>
      <p>
        Ask an administrator if your work needs it. <a href="#/">Go to the start page</a>.
      </p>
    </section>
  )
}
