import { useState } from 'preact/hooks'
import type { SessionUser } from '../access.js'
import { useDocumentTitle } from '../document-title.js'
import { useReconnected } from '../live-hub.js'
import { MyAccessLog } from '../me/my-access-log.js'
import { MyAlarms } from '../me/my-alarms.js'
import { MyCircle } from '../me/my-circle.js'
import { ResponsePlanPanel } from '../person/response-plan-panel.js'
import { WishesPanel } from '../person/wishes-panel.js'

/** The person's own account: who is in their circle, who looked at their record, and their alarms. */
export function MyRecordPage({ user }: { user: SessionUser }) {
  useDocumentTitle('My record')
  // After a gap in the live connection, everything is fetched again.
  const [generation, setGeneration] = useState(0)
  useReconnected(() => setGeneration((g) => g + 1))
  const personId = user.personId
  return (
    <section class="plain-page" data-testid="my-record" aria-labelledby="my-record-title">
      <h1 id="my-record-title">My record</h1>
      {personId === null ? (
        <p class="notice">This account is not linked to a person's record. Ask your monitoring service to link it.</p>
      ) : (
        <>
          <p class="lead">
            Hello, {user.displayName}. Here you can say what matters to you and whom to call when you need help, see who is in your circle of care and
            what each of them can see, who has looked at your record, and every alarm you have raised.
          </p>
          <div class="two-col">
            <WishesPanel key={`wishes-${generation}`} personId={personId} />
            <ResponsePlanPanel key={`plan-${generation}`} personId={personId} />
          </div>
          <MyCircle key={`circle-${generation}`} personId={personId} />
          <MyAccessLog key={`log-${generation}`} personId={personId} myUserId={user.id} />
          <MyAlarms key={`alarms-${generation}`} personId={personId} />
        </>
      )}
    </section>
  )
}
