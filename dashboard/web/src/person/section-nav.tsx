/** In-page navigation: buttons rather than #anchors, since the hash holds the route. */
export function SectionNav({ sections }: { sections: ReadonlyArray<{ id: string; label: string }> }) {
  const go = (id: string) => {
    const target = document.getElementById(id)
    if (!target) return
    target.scrollIntoView({ block: 'start' })
    target.focus({ preventScroll: true })
  }
  return (
    <nav aria-label="Sections of this page" class="section-nav">
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <button type="button" class="link-button" onClick={() => go(s.id)}>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
