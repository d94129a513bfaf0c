import { ApiError, messageOf } from '../api.js'
import { NoAccess } from './no-access.js'

/** What a page shows before its data arrives, or when fetching it failed (403 included). */
export function LoadState({ error, title, hasData }: { error: unknown; title: string; hasData: boolean }) {
  if (error instanceof ApiError && error.code === 'forbidden') return <NoAccess title={title} />
  if (error !== undefined) {
    return (
      <p class="notice error-notice" role="alert">
        {hasData ? 'Could not refresh: ' : 'Could not load: '}
        {messageOf(error)}
      </p>
    )
  }
  if (!hasData) return <p role="status">Loading…</p>
  return null
}
