import { ROLES, type Role } from '../../../../contract/circle-values.js'
import { ROLE_LABELS } from '../format.js'

/** Roles as checkboxes in a fieldset, so each has its label and the group its name. */
export function RolesPicker({ idPrefix, legend, roles, onChange, describedBy }: { idPrefix: string; legend: string; roles: readonly Role[]; onChange: (roles: Role[]) => void; describedBy?: string }) {
  return (
    <fieldset class="roles-picker" aria-describedby={describedBy}>
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <span class="checkbox" key={role}>
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={roles.includes(role)}
            onChange={(e) => onChange(e.currentTarget.checked ? ROLES.filter((r) => r === role || roles.includes(r)) : roles.filter((r) => r !== role))}
          />
          <label for={`${idPrefix}-${role}`}>{ROLE_LABELS[role]}</label>
        </span>
      ))}
    </fieldset>
  )
}
