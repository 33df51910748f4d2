/**
 * The type of an error class's `is`: a type guard for that class when called unbound
 * (`errors.filter(NotFoundError.is)` is a `NotFoundError[]`), and for the class it is read from
 * when called on one (`MyNotFound.is(error)`, for a subclass of yours). Each of the SDK's classes
 * declares its own, and a private brand besides: they have the same fields as their parent
 * (`NotFoundError` as `ApiError`), and to TypeScript a guard that failed for one would then rule
 * out the other too (`if (!NotFoundError.is(e)) e.status` was an error on `never`). A subclass of
 * yours may declare its own the same way (`declare static is: ErrorGuard<typeof QuotaError>`), or
 * its unbound guard is typed as its nearest class that does (`any` for a subclass of `CohereError`,
 * whose guard, read from your class, is your class's at run time).
 *
 * @example
 * ```ts
 * const failures: unknown[] = [];
 * const missing = failures.filter(NotFoundError.is); // NotFoundError[]
 * ```
 * @throws Never: a guard answers false for whatever it cannot read.
 * @public
 */
export interface ErrorGuard<
  C extends abstract new (
    ...args: never[]
  ) => CohereError,
  // The class's instance, apart: `C` itself then takes no part in comparing two guards, and a
  // subclass whose constructor differs from its parent's (other parameters, `abstract`) can
  // still declare its own guard.
  I extends CohereError = InstanceType<C>,
> {
  /** Called on a class (`MyNotFound.is(error)`): a guard for that class. */
  <T extends abstract new (...args: never[]) => CohereError>(this: T, value: unknown): value is InstanceType<T>;
  /**
   * Called unbound (`const isNotFound = NotFoundError.is`, a callback), or through `call` or
   * `bind`: a guard for `C`.
   */
  (this: unknown, value: unknown): value is I;
}

/**
 * The brand that `CohereError.is` and friends look for. `Symbol.for` makes the same symbol in
 * the ESM and the CJS build, so a guard works on an error thrown by the other build, where
 * `instanceof` cannot.
 */
const brand = Symbol.for("cohere-batches.error");

/**
 * The base of every error this SDK throws.
 *
 * @remarks
 * `name` is the class name, so logs and `util.inspect` say which error it was. Messages are
 * built from what the SDK and the server said, never from the request headers, so they cannot
 * carry the API token.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve("batch-id");
 * } catch (error) {
 *   if (CohereError.is(error)) console.error(error.message);
 * }
 * ```
 * @throws Never: the constructor only stores its arguments (a `cause` that throws as it is read is dropped).
 * @public
 */
export class CohereError extends Error {
  /**
   * The class name, written out rather than read from `constructor.name`, which minifiers
   * rename. A subclass of yours may declare its own, to be recognised by `is` across copies of
   * its class as the SDK's are; one that does not is named after its class and recognised by
   * `instanceof` (it never passes for its parent: `MyError.is(new CohereError("x"))` is false).
   */
  static readonly errorName: string = "CohereError";

  /**
   * What caused this error, when something did: what `fetch` threw for a
   * `CohereConnectionError`, the signal's `reason` for a `CohereAbortError`. As ES2022's `Error`
   * declares it, and declared here too for a project whose `lib` predates ES2022. (Not in an
   * interface merged with the class, as `Error`'s is: that would make every link to the class
   * ambiguous. A subclass may not redefine it as an accessor.)
   */
  declare cause?: unknown;

  /**
   * Makes an error with `message` and, optionally, a `cause`; `name` is set from the class.
   *
   * @example
   * ```ts
   * class QuotaError extends CohereError {
   *   static override readonly errorName = "QuotaError";
   * }
   * try {
   *   await client.batches.create({ name: "nightly", input_dataset_id: datasetId, model: "command-a-03-2025" });
   * } catch (error) {
   *   if (TooManyRequestsError.is(error)) throw new QuotaError("Monthly quota spent", { cause: error });
   *   throw error;
   * }
   * ```
   * @throws Never: a `cause` that throws as it is read is left out rather than kept.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    // A cause that throws as it is read is not kept: see `readable`.
    super(message, options === undefined || readable(options.cause) ? options : undefined);
    // The names of the classes that declare their own `errorName` (the SDK's, and users' that
    // do): a subclass that does not inherits its parent's, and must not pass for it.
    const names: string[] = [];
    for (
      let target: unknown = new.target;
      typeof target === "function" && "errorName" in target;
      target = Object.getPrototypeOf(target)
    ) {
      if (Object.hasOwn(target, "errorName")) names.push((target as typeof CohereError).errorName);
    }
    // A user's subclass without an `errorName` of its own is named after its class.
    this.name = (Object.hasOwn(new.target, "errorName") ? names[0] : new.target.name || names[0]) ?? "CohereError";
    // Not enumerable: the guards need it, logs and `util.inspect` do not.
    Object.defineProperty(this, brand, { value: names });
  }

  /**
   * True when `value` is an error of this class (or a subclass), from either the ESM or the
   * CJS build of the SDK. Each class's `is` works unbound too, as a callback:
   * `errors.filter(NotFoundError.is)`.
   *
   * @example
   * ```ts
   * async function findBatch(id: string) {
   *   try {
   *     return (await client.batches.retrieve(id)).batch;
   *   } catch (error) {
   *     if (NotFoundError.is(error)) return undefined; // no such batch
   *     if (CohereError.is(error)) console.error(error.name, error.message);
   *     throw error;
   *   }
   * }
   * ```
   * @throws Never: a value whose properties throw as they are read (a hostile `Proxy`) is `false`.
   */
  // Unbound, `any` (as before `ErrorGuard`): the class it is read from is not known to the type,
  // and a subclass of yours that declares no `is` would otherwise be typed as `CohereError`.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  static is<T extends abstract new (...args: never[]) => CohereError = any>(
    // biome-ignore lint/suspicious/noConfusingVoidType: the `this` of a plain call, as TypeScript types it
    this: T | void,
    value: unknown,
  ): value is InstanceType<T> {
    // Anything users' code threw can reach here, a Proxy whose every trap throws included.
    try {
      // Never without a class: `is` is read through the getter below, which binds it.
      if (typeof this !== "function") return false;
      if (value instanceof this) return true;
      // The brand stands for the classes that declare an `errorName`; a subclass without one
      // (a user's) is recognised by `instanceof` alone, not as the parent whose name it inherits.
      // A plain object with the brand copied onto it is no error; one of another realm (a
      // `node:vm` context, an iframe) is, though not `instanceof` this realm's `Error`.
      if (!Object.hasOwn(this, "errorName") || !(value instanceof Error || isErrorOfAnyRealm(value))) return false;
      const names = typeof value === "object" && value !== null ? (value as { [brand]?: unknown })[brand] : undefined;
      return Array.isArray(names) && names.includes((this as unknown as typeof CohereError).errorName);
    } catch {
      return false;
    }
  }

  /**
   * A plain object for `JSON.stringify` and structured loggers: `name` and `message`, plus the
   * fields of the subclass (never the request headers, so never the API token).
   *
   * @example
   * ```ts
   * try {
   *   await client.batches.retrieve(batchId);
   * } catch (error) {
   *   if (CohereError.is(error)) console.error(error.toJSON()); // { name: "NotFoundError", message: "...", status: 404, ... }
   * }
   * ```
   * @throws Never: it only copies fields of the error.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
  }
}

// `is` read from a class is that class's guard, so that it works unbound too:
// `errors.filter(NotFoundError.is)` called the static method with no `this`, and it answered
// false for every error. Made on first read per class (a subclass gets its own, not its parent's).
const guards = new WeakMap<object, (value: unknown) => boolean>();
const isOfClass = CohereError.is;
Object.defineProperty(CohereError, "is", {
  configurable: true,
  get(this: typeof CohereError) {
    // Read with no class (a user's static `is` that calls `super.is`, unbound): it answers false.
    if (typeof this !== "function") return isOfClass;
    let guard = guards.get(this);
    if (guard === undefined) {
      guard = (value: unknown) => isOfClass.call(this, value);
      guards.set(this, guard);
    }
    return guard;
  },
  // A class may still be given an `is` of its own by assignment, as a static method could be.
  set(this: object, is: unknown) {
    Object.defineProperty(this, "is", { value: is, writable: true, configurable: true });
  },
});

/** True for an error of any realm (its tag, which only a deliberate forgery gives a plain object). */
function isErrorOfAnyRealm(value: unknown): boolean {
  return Object.prototype.toString.call(value) === "[object Error]";
}

/**
 * False when `cause` (or a cause of it) throws as it is read: a `Proxy` whose traps throw, thrown
 * by users' code. `util.inspect` and loggers walk an error's causes, and such a value would
 * make logging the SDK's error throw; the message says what happened instead.
 */
function readable(cause: unknown): boolean {
  try {
    for (let link = cause, depth = 0; depth < 5 && typeof link === "object" && link !== null; depth++) {
      // What util.inspect reads of an error: its prototype, its keys, these fields.
      Object.getPrototypeOf(link);
      Reflect.ownKeys(link);
      const { stack, message, name, cause: next } = link as Error;
      void [stack, message, name];
      link = next;
    }
    return true;
  } catch {
    return false;
  }
}
