/** Who performs a change, from where, and at what time (from the injected clock). Recorded in audit rows. */
export interface ActionContext {
  /** An API key id, 'operator', or 'system'. */
  actor: string;
  /** The client address, or null for jobs and the CLI. */
  origin: string | null;
  at: Date;
}
