/**
 * The defaults of the client's options, declared once: the code uses them and the TSDoc
 * quotes them.
 */

/** `timeoutInSeconds`: the time limit of one attempt, headers and body. */
export const DEFAULT_TIMEOUT_IN_SECONDS = 300;
/** `maxRetries`: how many times a failed attempt is retried. */
export const DEFAULT_MAX_RETRIES = 2;
/** `maxResponseBytes`: 64 MiB, far above any batches or datasets JSON answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
