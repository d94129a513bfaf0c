import { useEffect, useRef, useState } from 'preact/hooks'
import type { AlertKindSpec } from '../../../../contract/alert-kinds.js'
import type { CallScript } from '../../../../contract/follow-ups.js'
import { isForbidden } from '../api.js'
import { LoadState } from '../components/load-state.js'
import { NoAccess } from '../components/no-access.js'
import { useDocumentTitle } from '../document-title.js'
import { formatDateTime, kindText } from '../format.js'
import { useApiData } from '../use-api-data.js'
import { CallScriptForm } from './call-script-form.js'

const TITLE = 'Call scripts'

const headingId = (kind: string) => `script-${kind.replace(/\W+/g, '-')}-title`

/** Focuses the element with this id once it is on the page (after the form it replaces has gone). */
const focusLater = (id: string) => window.setTimeout(() => document.getElementById(id)?.focus(), 0)

function Changed({ script }: { script: CallScript }) {
  if (script.version === 0) return <p class="hint">Shipped with Hearth</p>
  return (
    <p class="hint" data-testid="call-script-changed">
      Changed {script.changedAt && formatDateTime(script.changedAt)} by {script.changedBy}: {script.reason}
    </p>
  )
}

/** One alert kind's script: its questions, its version and its last change, edited in place. */
function ScriptPanel({ script, onSaved }: { script: CallScript; onSaved: (saved: CallScript) => void }) {
  const [editing, setEditing] = useState(false)
  const [done, setDone] = useState('')
  const title = headingId(script.kind)
  return (
    <section class="panel" aria-labelledby={title} data-testid="call-script-panel" data-kind={script.kind}>
      <h2 id={title} tabIndex={-1}>
        {kindText(script.kind)} <span class="muted">· version {script.version}</span>
      </h2>
      {!editing && (
        <>
          <ol class="plain-list" data-testid="call-script-questions-shown">
            {script.questions.map((question, i) => (
              <li key={i}>{question}</li>
            ))}
          </ol>
          <Changed script={script} />
        </>
      )}
      <p class="hint" role="status" data-testid="call-script-done">
        {done}
      </p>
      {!editing && (
        <button type="button" data-testid="call-script-edit" aria-describedby={title} onClick={() => {
            setDone('')
            setEditing(true)
          }}
        >
          Edit
        </button>
      )}
      {editing && (
        <CallScriptForm
          kind={script.kind}
          questions={script.questions}
          onCancel={() => {
            setEditing(false)
            focusLater(title)
          }}
          onSaved={(saved) => {
            setEditing(false)
            setDone(`Saved as version ${saved.version}.`)
            onSaved(saved)
            focusLater(title)
          }}
        />
      )}
    </section>
  )
}

/** "Write a script for…": an alert kind that has none yet, then its first version. */
function NewScript({ kinds, onSaved }: { kinds: readonly string[]; onSaved: (saved: CallScript) => void }) {
  const [kind, setKind] = useState('')
  const [writing, setWriting] = useState('')
  const select = useRef<HTMLSelectElement>(null)
  useEffect(() => {
    if (kind !== '' && !kinds.includes(kind)) setKind('')
  }, [kinds, kind])
  if (kinds.length === 0 && writing === '') return null
  return (
    <section class="panel" aria-labelledby="new-script-title" data-testid="new-call-script">
      <h2 id="new-script-title" tabIndex={-1}>
        {writing === '' ? 'A script for another alert' : `New script: ${kindText(writing)}`}
      </h2>
      {writing === '' ? (
        <form
          class="form-actions"
          onSubmit={(event) => {
            event.preventDefault()
            if (kind !== '') setWriting(kind)
          }}
        >
          <div class="field grow">
            <label for="new-script-kind">Write a script for…</label>
            <select id="new-script-kind" ref={select} data-testid="new-call-script-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="">Choose an alert</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindText(k)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={kind === ''}>
            Write script
          </button>
        </form>
      ) : (
        <CallScriptForm
          kind={writing}
          questions={[]}
          onCancel={() => {
            setWriting('')
            window.setTimeout(() => select.current?.focus(), 0)
          }}
          onSaved={(saved) => {
            setWriting('')
            setKind('')
            onSaved(saved)
            focusLater(headingId(saved.kind))
          }}
        />
      )}
    </section>
  )
}

/**
 * Supervisors and admins: the call script of each alert kind, the questions a responder asks
 * on the console, each version kept with who changed it, when and why.
 */
export function CallScriptsPage() {
  useDocumentTitle(TITLE)
  const scripts = useApiData<{ scripts: CallScript[] }>('/api/call-scripts')
  const kinds = useApiData<{ kinds: AlertKindSpec[] }>('/api/alerts/kinds')
  const [saved, setSaved] = useState<Record<string, CallScript>>({})
  if (isForbidden(scripts.error)) return <NoAccess title={TITLE} />
  // A saved version is shown at once, and the list fetched again behind it.
  const onSaved = (script: CallScript) => {
    setSaved({ ...saved, [script.kind]: script })
    scripts.reload()
  }
  const listed = (scripts.data?.scripts ?? []).map((s) => newer(s, saved[s.kind]))
  const added = Object.values(saved).filter((s) => !listed.some((l) => l.kind === s.kind))
  const all = [...listed, ...added]
  const without = (kinds.data?.kinds ?? []).map((k) => k.kind).filter((k) => !all.some((s) => s.kind === k))
  return (
    <section data-testid="call-scripts-page" aria-labelledby="call-scripts-title">
      <div class="page-head">
        <h1 id="call-scripts-title">{TITLE}</h1>
        {scripts.data && <p class="summary">{all.length} alert kinds with a script</p>}
      </div>
      <p class="hint">What a responder asks first when answering each kind of alert, shown on the console beside the incident.</p>
      <LoadState error={scripts.error} title={TITLE} hasData={scripts.data !== undefined} />
      {all.map((script) => (
        <ScriptPanel key={script.kind} script={script} onSaved={onSaved} />
      ))}
      {scripts.data && <NewScript kinds={without} onSaved={onSaved} />}
    </section>
  )
}

/** The later of the listed version and the one just saved (the list may not have caught up yet). */
function newer(listed: CallScript, saved: CallScript | undefined): CallScript {
  return saved && saved.version > listed.version ? saved : listed
}
