/**
 * The fields each fault type takes, and a fault read once by them: the copy a queue keeps, so
 * that what a request takes is what was checked.
 */
import type { Fault } from "./faults.js";

/** Each fault type with the fields it takes: typed by the fault interfaces, so none is left out. */
export const faultFields: { readonly [K in Fault["type"]]: Readonly<Record<keyof Extract<Fault, { type: K }>, true>> } =
  {
    status: {
      type: true,
      status: true,
      body: true,
      headers: true,
      retryAfter: true,
      retryAfterMs: true,
      afterAction: true,
    },
    delay: { type: true, ms: true },
    "stall-body": { type: true },
    drop: { type: true, afterAction: true },
    "reset-mid-body": { type: true, afterAction: true },
    "malformed-body": { type: true, body: true },
    "empty-body": { type: true },
    "missing-field": { type: true },
    truncate: { type: true, bytes: true },
  };

/**
 * Every name a fault has, own (enumerable or not) and given by its prototypes (a class's,
 * `Object.create`'s) below `Object.prototype`.
 */
export function fieldNames(fault: object): string[] {
  const names: string[] = [];
  for (let at: object | null = fault; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at))
    for (const name of Object.getOwnPropertyNames(at)) if (name !== "constructor") names.push(name);
  return names;
}

/**
 * The fault as it was checked: a test that changes its object after `inject` (a `status` of
 * 999) made a later request fail with a raw `RangeError` from `new Response`.
 */
export function keptCopy(fault: Fault): Fault {
  // The fields the check read, inherited ones too (a class's getter, `Object.create(fault)`),
  // each read once: the type first, whose fields are then read (a getter that answers another
  // type the second time is checked as it answered, by the check of the copy).
  const type: unknown = fault.type;
  const copy: Record<string, unknown> = { type };
  if (typeof type !== "string" || !Object.hasOwn(faultFields, type)) return copy as unknown as Fault;
  for (const key of Object.keys(faultFields[type as Fault["type"]])) {
    if (key === "type") continue;
    const value = (fault as unknown as Record<string, unknown>)[key];
    if (value !== undefined) copy[key] = value;
  }
  if (typeof copy.headers === "object" && copy.headers !== null) copy.headers = { ...copy.headers };
  // Checked to be JSON already: a copy through JSON is the body that will be sent.
  if (typeof copy.body === "object" && copy.body !== null) copy.body = JSON.parse(JSON.stringify(copy.body));
  return Object.freeze(copy) as unknown as Fault;
}
