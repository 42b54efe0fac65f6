// The typed failures a step's ctx raises. They are plain JSON on purpose: the executor journals
// a step's error as it is thrown, and a runner may rethrow them unchanged.
//
//   COMMAND_NOT_FOUND     exec: the program is not on PATH (or not executable). Not retryable.
//   CWD_NOT_FOUND         exec: the working directory does not exist. Not retryable.
//   SPAWN_FAILED          exec: the OS refused to start the process (e.g. E2BIG). Not retryable.
//   SECRET_NOT_FOUND      secret: no such secret is configured. Not retryable.
//   INVALID_ARTIFACT_NAME artifacts.put: the name is empty, absolute or leaves the step's folder. Not retryable.

export interface StepErrorJson {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

export function stepError(code: string, message: string, retryable: boolean, details?: Record<string, unknown>): StepErrorJson {
  return { code, message, retryable, ...(details ? { details } : {}) };
}
