import { type BodyReader, bodyReader, bytesOf } from "../internal/body-reader.js";
import { boundBySignal } from "../internal/bound-by-signal.js";
import { describeCause } from "../internal/cause-chain.js";
import { delay } from "../internal/delay.js";
import { followAbort } from "../internal/follow-abort.js";
import { CohereAbortError } from "./errors/abort-error.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import { CohereError } from "./errors/cohere-error.js";
import { CohereTimeoutError } from "./errors/timeout-error.js";

/** What bounds the read of a streamed body. */
export interface StreamedBodyLimits {
  /** The longest wait for the next chunk (the call's `timeoutInSeconds`): a stalled body ends. */
  readonly timeoutInSeconds: number;
  /** The caller's abort signal. */
  readonly signal: AbortSignal | undefined;
  /** A reader's own bound on a wait that spans many reads: each read ends by it, too. */
  readonly wait?: BodyWait | undefined;
}

/**
 * A wait that spans many reads (the records reader's wait for one record, however the bytes
 * trickle in meanwhile): each read ends by `endsAt()` as well, with `message`.
 */
export interface BodyWait {
  /** When (`performance.now()`, a clock no system time change moves) the wait ends. */
  readonly endsAt: () => number;
  /** Told the size of each chunk read: bytes move `endsAt` on (the reader's rate). */
  readonly received: (bytes: number) => void;
  /** The `CohereTimeoutError`'s message once it has ended. */
  readonly message: string;
}

/** What the call that fetched the body asks of its reader. */
export interface StreamedBodyCall {
  /** Called once the body is done with: read to its end, failed, or left (`return()`). */
  readonly end: () => void;
  /** The reading's failure as the call may hand it on (naming the call, cleaned of its secrets). */
  readonly clean: (error: unknown) => unknown;
}

/**
 * The chunks of a streamed response body, as they arrive, each wait bounded.
 *
 * @remarks
 * The attempt's timeout covers the request until its headers; the body is then read by the
 * caller at its own pace (a decoder yielding records to a loop), so one timer for the whole body
 * would count the caller's time. Each wait for bytes is bounded instead: by `timeoutInSeconds`
 * without a byte (`CohereTimeoutError`) and by the caller's abort (`CohereAbortError`), and by
 * the reader's own `wait`, which spans many reads. A body that breaks off, or ends short of its
 * `Content-Length`, is a `CohereConnectionError`. Leaving early (`break`, an error) cancels the
 * body, which closes the connection.
 */
export function readStreamedBody(
  response: Response,
  limits: StreamedBodyLimits,
  call?: StreamedBodyCall,
): AsyncIterableIterator<Uint8Array> {
  return new StreamedBody(response, limits, call);
}

const done = (): IteratorResult<Uint8Array> => ({ done: true, value: undefined });

/**
 * Not an async generator: a generator's `return()` waits behind its pending `next()`, up to the
 * whole timeout on a stalled body, the connection open all the while. Here `return()` cancels
 * the body at once, and a `next()` waiting for bytes then ends as done.
 */
class StreamedBody implements AsyncIterableIterator<Uint8Array> {
  readonly #expected: number | undefined;
  readonly #status: number;
  readonly #reader: BodyReader;
  #received = 0;
  #closed = false;

  constructor(
    response: Response,
    private readonly limits: StreamedBodyLimits,
    private readonly call: StreamedBodyCall | undefined,
  ) {
    this.#expected = declaredLength(response.headers);
    this.#status = response.status;
    // No body reads as an empty one: a Content-Length above 0 then says it was cut short.
    this.#reader = bodyReader(response.body ?? new ReadableStream({ start: (controller) => controller.close() }));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#closed) return done();
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await readChunk(this.#reader, this.limits, this.#status);
    } catch (error) {
      if (this.#closed) return done();
      void this.return();
      throw this.call ? this.call.clean(error) : error;
    }
    if (this.#closed) return done(); // `return()` cancelled the body while this read waited
    if (!step.done) {
      this.#received += step.value.byteLength;
      this.limits.wait?.received(step.value.byteLength);
      return step;
    }
    this.#closed = true;
    this.call?.end();
    const expected = this.#expected;
    if (expected !== undefined && this.#received < expected) {
      const error = cutShort(this.#received, expected);
      throw this.call ? this.call.clean(error) : error;
    }
    return done();
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.#closed) {
      this.#closed = true;
      // First: a cancel of a body a plugin cloned waits until the clone is cancelled too.
      this.call?.end();
      // A web stream's pending read settles at once as done; the connection closes.
      await this.#reader.cancel().catch(() => {});
    }
    return done();
  }
}

/**
 * The next chunk of bytes, or the end: chunks of no bytes are read past within the same wait
 * (a body of empty chunks, each resetting it, would never end).
 */
async function readChunk(
  reader: BodyReader,
  { timeoutInSeconds, signal, wait }: StreamedBodyLimits,
  status: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const bound = new AbortController();
  const unlink = followAbort(signal, bound);
  // The first bound to end names the failure: the reader's wait when it ends no later than this
  // read's own timeout (in the same millisecond too), else the read's.
  const left = wait === undefined ? Number.POSITIVE_INFINITY : wait.endsAt() - performance.now();
  const timeout = timeoutInSeconds * 1000;
  const message = left <= timeout ? (wait as BodyWait).message : `No bytes of the body for ${timeoutInSeconds} s`;
  const timer = setTimeout(
    () => bound.abort(new CohereTimeoutError(timeoutInSeconds, message)),
    Math.max(0, Math.min(left, timeout)),
  );
  try {
    for (;;) {
      const step = await boundBySignal(reader.read(), bound.signal, () =>
        signal?.aborted ? new CohereAbortError(signal.reason) : bound.signal.reason,
      );
      if (step.done) return step;
      const value = bytesOf(step.value, status);
      if (value.byteLength > 0) return { done: false, value };
      // A stream of empty chunks that come at once would never let the timer or the abort run.
      await delay(0);
    }
  } catch (error) {
    if (CohereError.is(error)) throw error;
    throw new CohereConnectionError(`The body broke off: ${describeCause(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    unlink();
  }
}

/** The body's length as sent, when the bytes read are the bytes sent (no content coding). */
function declaredLength(headers: Headers): number | undefined {
  const coding = headers.get("content-encoding");
  if (coding !== null && coding !== "identity") return undefined;
  const value = headers.get("content-length");
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

// A body cut exactly between two Avro blocks would look like a valid shorter file.
function cutShort(received: number, expected: number): CohereConnectionError {
  const message = `The body ended after ${received} of its ${expected} bytes`;
  return new CohereConnectionError(message, { cause: new Error(message) });
}
