/** Handed to a write handler: the idempotency record it runs under. */
export interface WriteContext {
  /** The idempotency record id: the external_id of what this call creates in Tasker. */
  readonly recordId: string;
  /** > 1: an earlier attempt may have reached Tasker; reconcile before writing. */
  readonly attempts: number;
  /** What an earlier attempt noted (e.g. update_card's previous values). */
  readonly progress: Record<string, unknown>;
  /**
   * Commits the handler's progress notes, then the `allowed` audit event (with `details`).
   * Call it right before the first Tasker write: no write happens without its event
   * surviving a crash.
   */
  beginWrite(details: Record<string, unknown>, progress?: Record<string, unknown>): Promise<void>;
}
