import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { TwoFactorStanding } from '../../../two-factor-policy.js'

export type { TwoFactorStanding }

/** The signed-in user's two-factor sign-in, as GET /api/auth/me told it, and how the page that changes it says so. */
interface TwoFactorState {
  standing: TwoFactorStanding
  /** Turned on or off here: the banner and the account page follow at once. */
  changed: (standing: TwoFactorStanding) => void
}

export const NO_TWO_FACTOR: TwoFactorStanding = { enabled: false, required: false, enrolBy: null }

export const TwoFactorContext = createContext<TwoFactorState>({ standing: NO_TWO_FACTOR, changed: () => undefined })

export const useTwoFactor = (): TwoFactorState => useContext(TwoFactorContext)
