// Where a user's plugin may send a request the server may act on (a create) again: part of the
// guard of users' middleware (`guardUserMiddleware`).
import { isNotBlank, sendsOf } from "./idempotency-key-sent.js";
import type { MiddlewareContext, Next } from "./middleware.js";
import { answeredUntouched, serverCertainlyDidNotAct } from "./server-did-not-act.js";

/**
 * `send`, for the `next()` calls of one run of a plugin. A request the server may act on (a
 * create) goes again in a run of a plugin (its own retry, a hedge) only where the SDK's retries
 * would send it again: nothing reached the server's work (nothing was sent, a 429, a 503, a
 * refused connection), or the same Idempotency-Key goes with each. Else `refuse` answers.
 * `pending` counts the run's `next()` calls not yet settled: a request in flight may have acted.
 */
export function guardResends(
  context: MiddlewareContext,
  send: Next,
  pending: { readonly count: number },
  refuse: (what: string, why: string) => Promise<never>,
): Next {
  // `keySent`: the key of the last request sent; `mayHaveActed`: the server may have acted on
  // one (a request in flight may too).
  let keySent: string | undefined;
  let mayHaveActed = false;
  return (request) => {
    if (context.idempotent) return send(request);
    const key = idempotencyKeyOf(request);
    if ((mayHaveActed || pending.count > 0) && (key === undefined || key !== keySent))
      return refuse(
        `called next() again for ${context.operation}, which the server may have acted on`,
        " (the same idempotencyKey on every request allows it)",
      );
    keySent = key;
    const sentBefore = sendsOf(context);
    const acted = (untouched: boolean) => {
      if (mayHaveActedSince(context, sentBefore, untouched)) mayHaveActed = true;
    };
    return send(request).then(
      (response) => {
        // A call-phase plugin's is a 2xx; an attempt plugin's is raw (a 503 did nothing).
        acted(answeredUntouched(response.status, context));
        return response;
      },
      (error: unknown) => {
        acted(serverCertainlyDidNotAct(error, context));
        throw error;
      },
    );
  };
}

/**
 * The server may have acted if anything was sent since `sentBefore`, but for one request refused
 * untouched (a 429, a 503, a refused connection). Several sent (the SDK's retries with a key, a
 * plugin's own below): any of them may have acted, whatever the last answer said.
 */
function mayHaveActedSince(context: MiddlewareContext, sentBefore: number, untouched: boolean): boolean {
  const sent = sendsOf(context) - sentBefore;
  return sent > 0 && (!untouched || sent > 1);
}

/** The Idempotency-Key `request` carries, if not blank; none for what cannot be read (junk). */
function idempotencyKeyOf(request: Request): string | undefined {
  try {
    const key = request.headers.get("idempotency-key");
    return key !== null && isNotBlank(key) ? key : undefined;
  } catch {
    return undefined;
  }
}
