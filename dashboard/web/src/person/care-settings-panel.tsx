import { useEffect } from 'preact/hooks'
import type { CareSettings, CareSettingsVersion } from '../../../../contract/care-settings.js'
import { useApiData } from '../use-api-data.js'
import { SettingsForm } from './settings-form.js'
import { SettingsHistory } from './settings-history.js'

export interface SettingsAnswer {
  personId: string
  version: number
  settings: CareSettings
}

/** The person's care settings and every version of them; both fetched again whenever the version moves. */
export function CareSettingsPanel({ personId, canEdit, careVersion, onSaved }: { personId: string; canEdit: boolean; careVersion: number; onSaved: () => void }) {
  const base = `/api/persons/${encodeURIComponent(personId)}/settings`
  const settings = useApiData<SettingsAnswer>(base)
  const history = useApiData<{ versions: CareSettingsVersion[] }>(`${base}/history`)
  const reloadSettings = settings.reload
  const reloadHistory = history.reload
  useEffect(() => {
    reloadSettings()
    reloadHistory()
  }, [careVersion, reloadSettings, reloadHistory])
  return (
    <div class="two-col">
      <SettingsForm personId={personId} answer={settings.data} error={settings.error} canEdit={canEdit} onSaved={onSaved} />
      <SettingsHistory versions={history.data?.versions} error={history.error} />
    </div>
  )
}
