// Switchyard's typed errors. Each has a stable `code` (part of the API: clients and the
// journal match on it), says whether retrying can help, and serialises to plain JSON so
// it can be journaled and sent to the browser. tRPC maps them to HTTP-ish codes at the
// edge (server/trpc/init.ts); user-facing messages say what, where and how to fix.

/** UNAUTHORIZED: wrong or missing credentials. RATE_LIMITED: too many attempts; details.retryAfterMs says when to try again. */
export type ErrorCode = 'NOT_FOUND' | 'VALIDATION' | 'CONFLICT' | 'UNAUTHORIZED' | 'RATE_LIMITED' | 'INTERNAL';

export interface ErrorJson {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

export class SwitchyardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SwitchyardError';
  }

  toJSON(): ErrorJson {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Thrown when an id names nothing (or nothing the caller may see). Not retryable. */
export class NotFoundError extends SwitchyardError {
  constructor(kind: string, id: string) {
    super('NOT_FOUND', `${kind} "${id}" does not exist. It may have been deleted; reload the list.`, false, { kind, id });
    this.name = 'NotFoundError';
  }
}

/** Thrown when input is well-formed but breaks a rule; `details.path` says where. */
export class ValidationError extends SwitchyardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('VALIDATION', message, false, details);
    this.name = 'ValidationError';
  }
}

/** Thrown when the operation lost a race with another writer; retrying may succeed. */
export class ConflictError extends SwitchyardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, true, details);
    this.name = 'ConflictError';
  }
}
