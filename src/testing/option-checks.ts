/**
 * Checks of what a test gives the fake. A fake that ignored a misspelt option or fault would let
 * a test pass without testing anything (`inject("lsit", ...)` never fires), so each is refused.
 */

/**
 * Throws a `TypeError` for a key of `value` that `known` does not list, one that holds `null`,
 * or for a `value` that is not an object at all. `known` is typed as every key of `T`: an option added to the
 * interface and not here fails the type check, rather than being refused at run time.
 */
export function checkKnownKeys<T extends object>(
  what: string,
  value: unknown,
  known: Readonly<Record<keyof T, true>>,
): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new TypeError(
      `${what} must be an object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key))
      throw new TypeError(`${what}.${key} is not an option (misspelt?); known: ${Object.keys(known).join(", ")}`);
    // Every option is typed `T | undefined`: a `null` was taken for the default by some
    // (`tokens`, `datasetLifecycle`, a clock's `speed`) and refused by others.
    if ((value as Record<string, unknown>)[key] === null)
      throw new TypeError(`${what}.${key} must not be null (leave it out for the default)`);
  }
}

/**
 * Throws a `TypeError` for a `value` that is not a boolean (a `"false"` would be truthy), unless
 * it is `undefined` and not `required`.
 */
export function checkBoolean(what: string, value: unknown, required = false): void {
  if ((required || value !== undefined) && typeof value !== "boolean")
    throw new TypeError(
      `${what} must be true or false, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    );
}
