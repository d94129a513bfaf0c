import { useEffect, useState } from 'preact/hooks'
import type { AnswerShare, AnswerTimes } from '../../../../contract/api.js'
import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { ShareBar } from '../components/share-bar.js'
import { formatDateTime, formatDuration, kindText } from '../format.js'
import { personHref } from '../router.js'
import { useApiData } from '../use-api-data.js'
import { useDocumentTitle } from '../document-title.js'

function periodPath(fromMs: number, toMs: number): string {
  return `/api/figures/answer-times?from=${encodeURIComponent(new Date(fromMs).toISOString())}&to=${encodeURIComponent(new Date(toMs).toISOString())}`
}

function Shares({ share, targets }: { share: AnswerShare; targets: AnswerTimes['targets'] }) {
  return (
    <>
      <ShareBar label="Answered within 60 s" share={share.share60s} target={targets.within60s} count={share.within60s} of={share.alarms} />
      <ShareBar label="Answered within 180 s" share={share.share180s} target={targets.within180s} count={share.within180s} of={share.alarms} />
    </>
  )
}

function Period({ title, data, error }: { title: string; data: AnswerTimes | undefined; error: unknown }) {
  const id = title.toLowerCase().replace(/\W+/g, '-')
  return (
    <section class="panel period" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <LoadState error={error} title={title} hasData={data !== undefined} />
      {data && (
        <>
          <h3>All responders: {data.overall.alarms} alarms</h3>
          <Shares share={data.overall} targets={data.targets} />
          {data.byResponder.length > 0 && <h3>By responder</h3>}
          {data.byResponder.map((r) => (
            <div class="responder-share" key={r.responder}>
              <h4>
                {r.responder}: {r.alarms} alarms
              </h4>
              <Shares share={r} targets={data.targets} />
            </div>
          ))}
          <h3>Over 180 s, for review</h3>
          {data.late.length === 0 ? (
            <p class="empty">None.</p>
          ) : (
            <ul class="late-list">
              {data.late.map((late) => (
                <li key={late.alertId}>
                  <a href={personHref(late.personId)}>{late.personName}</a>, {kindText(late.kind)}, raised {formatDateTime(late.raisedAt)}:{' '}
                  {late.answeredAfterSeconds === null ? <strong>not answered yet</strong> : <>answered after {formatDuration(late.answeredAfterSeconds)}</>}
                  {late.acknowledgedBy && <> by {late.acknowledgedBy}</>} <span class="muted">({late.alertId})</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}

/** How quickly alarm calls were answered, today and over 7 days, against the industry targets. */
export function FiguresPage() {
  useDocumentTitle('Service figures')
  // Both periods end now: moved on every minute, which fetches them again.
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000)
    return () => window.clearInterval(timer)
  }, [])
  const midnight = new Date(now)
  midnight.setHours(0, 0, 0, 0)
  const todays = useApiData<AnswerTimes>(periodPath(midnight.getTime(), now))
  const weeks = useApiData<AnswerTimes>(periodPath(now - 7 * 86_400_000, now))
  if (isForbidden(todays.error) || isForbidden(weeks.error)) return <NoAccess title="Service figures" />
  return (
    <section data-testid="figures-page" aria-labelledby="figures-title">
      <div class="page-head">
        <h1 id="figures-title">Service figures</h1>
        <p class="summary">Share of alarm alerts acknowledged within 60 s and 180 s. Targets: 97.5% and 99% (TEC Services Association).</p>
      </div>
      <div class="periods">
        <Period title="Today (since midnight)" data={todays.data} error={todays.error} />
        <Period title="Last 7 days" data={weeks.data} error={weeks.error} />
      </div>
    </section>
  )
}
