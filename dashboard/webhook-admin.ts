import type { Role, WebhookEvent, WebhookView } from '../contract/index.js'

/** PROTOCOL §2c webhooks, as the dashboard manages them (the notifications service keeps and sends them). */
export interface WebhookAdmin {
  /** Checks where the URL leads (operator settings), makes the secret and returns it this once; throws validation_failed. */
  register(input: { url: string; events: WebhookEvent[]; organisationId: string; roles: readonly Role[]; createdBy: string }): { webhook: WebhookView; secret: string }
  /** Those of one organisation, or (null) of all. */
  list(organisationId: string | null): WebhookView[]
  get(id: string): WebhookView | undefined
  /** Nothing more is sent to it; false when there was none. */
  remove(id: string, by: string): boolean
}
