import { describe, expect, it } from 'vitest'
import { SCOPES, type PersonAccess, type Role, type Scope } from '../../../contract/index.js'
import { listedPerson, personReads, personRecordFor, revealedAccessDetails } from '../../../dashboard/person-reads.js'
import type { PersonView } from '../../../dashboard/ports.js'

const access = (scopes: readonly Scope[]): PersonAccess => ({
  scopes: [...scopes],
  basis: 'consent',
  circleAdmin: false,
  canActOnAlerts: false,
  canEditCareSettings: false,
  canEditPerson: false,
  breakGlass: null,
})

const ada: PersonView = {
  id: 'p-1',
  name: 'Ada Lovelace',
  timeZone: 'Europe/London',
  address: '12 St James Square',
  medicalNotes: 'Atrial fibrillation, on apixaban',
  contacts: [{ name: 'Byron', phone: '07700 900001', keyHolder: true }],
  accessDetails: 'Key safe 4721',
  createdAt: '2026-01-01T00:00:00.000Z',
  archivedAt: null,
  archivedBy: null,
  archiveReason: null,
}

/** Who reads what with every scope granted: written out by hand from docs/security.md, not from the module. */
const READERS: Record<'medicalNotes' | 'vitals' | 'contacts' | 'accessDetails', Role[]> = {
  medicalNotes: ['admin', 'supervisor', 'responder', 'clinician', 'person'],
  vitals: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'family-carer', 'person'],
  contacts: ['admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'housing-officer', 'family-carer', 'person'],
  accessDetails: ['admin', 'supervisor', 'responder', 'housing-officer', 'person'],
}
const ROLES: Role[] = ['admin', 'org-admin', 'supervisor', 'responder', 'clinician', 'social-worker', 'housing-officer', 'volunteer', 'family-carer', 'person']

describe('person reads: what a principal may read about a person', () => {
  it.each(Object.entries(READERS))('lets only the roles whose work needs it read %s, whatever the scopes', (read, readers) => {
    for (const role of ROLES) {
      expect(personReads({ roles: [role] }, access(SCOPES))[read as keyof typeof READERS], role).toBe(readers.includes(role))
    }
  })

  it('gives no role a read its place in the circle does not grant', () => {
    const reads = personReads({ roles: ['responder'] }, access(['alerts', 'timeline']))
    expect(reads).toMatchObject({ medicalNotes: false, vitals: false, contacts: false, accessDetails: false, alerts: true, timeline: true, devices: true })
  })

  it('reads absences with care settings or with planning absences, and devices with alerts or vital signs', () => {
    expect(personReads({ roles: ['clinician'] }, access(['absences:write'])).absences).toBe(true)
    expect(personReads({ roles: ['clinician'] }, access(['care-settings'])).absences).toBe(true)
    expect(personReads({ roles: ['clinician'] }, access(['timeline'])).absences).toBe(false)
    expect(personReads({ roles: ['clinician'] }, access(['vitals'])).devices).toBe(true)
  })

  it('lets a second role open what the first cannot', () => {
    expect(personReads({ roles: ['volunteer', 'clinician'] }, access(SCOPES)).medicalNotes).toBe(true)
  })

  it('shows a record trimmed to the reads, and never the access details themselves', () => {
    const befriender = personRecordFor(ada, personReads({ roles: ['volunteer'] }, access(SCOPES)))
    expect(befriender).toEqual(listedPerson(ada))
    expect(befriender).not.toHaveProperty('medicalNotes')
    const warden = personRecordFor(ada, personReads({ roles: ['housing-officer'] }, access(SCOPES)))
    expect(warden).toMatchObject({ contacts: ada.contacts, hasAccessDetails: true })
    expect(warden).not.toHaveProperty('medicalNotes')
    expect(warden).not.toHaveProperty('accessDetails')
    expect(personRecordFor(ada, personReads({ roles: ['clinician'] }, access(SCOPES)))).toMatchObject({ medicalNotes: ada.medicalNotes })
  })

  it('reveals the access details to those who attend, and refuses anyone else', () => {
    expect(revealedAccessDetails(ada, personReads({ roles: ['housing-officer'] }, access(SCOPES)))).toBe('Key safe 4721')
    expect(() => revealedAccessDetails(ada, personReads({ roles: ['family-carer'] }, access(SCOPES)))).toThrow(/attend/)
  })
})
