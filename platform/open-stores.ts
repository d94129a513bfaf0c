import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { createAbsenceRepository } from '../stores/absence-repository.js'
import { createAlertRepository } from '../stores/alert-repository.js'
import { createAuditLog } from '../stores/audit-log.js'
import { createBreakGlassRepository } from '../stores/break-glass-repository.js'
import { createCircleRepository } from '../stores/circle-repository.js'
import { createOrganisationRepository } from '../stores/organisation-repository.js'
import { createPersonNoteRepository } from '../stores/person-note-repository.js'
import { createCareSettingsRepository } from '../stores/care-settings-repository.js'
import { createAlertCallRepository } from '../stores/alert-call-repository.js'
import { createAttendanceRepository } from '../stores/attendance-repository.js'
import { createCallScriptRepository } from '../stores/call-script-repository.js'
import { createFollowUpRepository } from '../stores/follow-up-repository.js'
import { createResponsePlanRepository } from '../stores/response-plan-repository.js'
import { createIncidentHoldRepository } from '../stores/incident-hold-repository.js'
import { createWishesRepository } from '../stores/wishes-repository.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import { createEventJournal } from '../stores/event-journal.js'
import { openDatabase } from '../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../stores/operational-schema.js'
import { createPersonRepository } from '../stores/person-repository.js'
import { SIGN_IN_LIMITS, SIGN_IN_LIMITS_FILE, SIGN_IN_LIMIT_MIGRATIONS, createSignInLimits, type SignInLimitSettings } from '../stores/sign-in-limits.js'
import { createTwoFactorRepository } from '../stores/two-factor-repository.js'
import { createUserRepository } from '../stores/user-repository.js'
import type { Config } from './config.js'
import { prepareDataFolder } from './data-folder.js'
import { openReadingsStore } from './readings-store-factory.js'

/**
 * The platform's stores: the operational database (`hearth.db`, migrated on open) by its three
 * connections, the repositories on it, the sign-in limits (`sign-in-limits.db`) and the readings
 * store the platform reads, in a data folder made owner-only first. `close` closes them all; the
 * readings store is started by the caller.
 */
export function openStores(config: Config, logger: Logger, metrics: Registry, signInLimits: SignInLimitSettings = SIGN_IN_LIMITS) {
  prepareDataFolder(config.dataDir, logger)
  const db = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'FULL' })
  // Devices' last seen and status, a second connection that does not wait for the disk on each
  // commit (an alarm's transaction on `db` does): on this thread too, so never a second writer at once.
  const telemetryDb = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  // The audit log's own connection: entries are written on the dashboard's path, never waiting for the disk that alarms wait for.
  const auditDb = openDatabase(join(config.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
  // Failed sign-ins are counted in a file of their own: a flood of them never takes the lock alarms wait for.
  const signInDb = openDatabase(join(config.dataDir, SIGN_IN_LIMITS_FILE), SIGN_IN_LIMIT_MIGRATIONS, { synchronous: 'NORMAL' })
  // The platform reads readings (charts, latest values) and applies retention; the ingest thread writes them.
  const readingsStore = openReadingsStore(config, 'reader', logger, metrics)
  return {
    db,
    telemetryDb,
    readingsStore,
    users: createUserRepository(db),
    people: createPersonRepository(db),
    devices: createDeviceRepository(db),
    journal: createEventJournal(db),
    alerts: createAlertRepository(db),
    careSettings: createCareSettingsRepository(db),
    absences: createAbsenceRepository(db),
    organisations: createOrganisationRepository(db),
    circles: createCircleRepository(db),
    breakGlass: createBreakGlassRepository(db),
    notes: createPersonNoteRepository(db),
    wishes: createWishesRepository(db),
    responsePlans: createResponsePlanRepository(db),
    calls: createAlertCallRepository(db),
    followUps: createFollowUpRepository(db),
    attendance: createAttendanceRepository(db),
    callScripts: createCallScriptRepository(db),
    incidentHolds: createIncidentHoldRepository(db),
    audit: createAuditLog(auditDb),
    signInLimits: createSignInLimits(signInDb, signInLimits),
    twoFactor: createTwoFactorRepository(db),
    /** Closes the readings store, then the database's connections. */
    async close(): Promise<void> {
      await readingsStore.close()
      telemetryDb.close()
      auditDb.close()
      signInDb.close()
      db.close()
    },
  }
}
