import { useEffect } from 'preact/hooks'

/** Sets the tab's title ("Alerts (3) — Hearth"); undefined leaves it while the page loads. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title !== undefined) document.title = `${title} — Hearth`
  }, [title])
}
