// What a store of the service's state (conversations, subscriptions, feedback, tokens, ingest
// jobs) says when it cannot be reached, whichever implementation it is (files or PostgreSQL):
// every layer that calls a store can tell "the database is away" from a bug without knowing it.

/** The store's database could not be reached or dropped the connection; trying again later may work. */
export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
  readonly code = 'STATE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
