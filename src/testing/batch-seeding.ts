/**
 * Checks and derived values of `FakeCohere.addBatches`, which stores batches directly, without
 * requests: what `init` may hold, and the fields it pins against the life cycle.
 */
import type { PinnedFields } from "./batch-store.js";
import { checkKnownKeys } from "./option-checks.js";
import { MAX_OUTPUT_RECORDS } from "./output-files.js";
import { formatTimestamp, parseTimestamp } from "./timestamp.js";
import type { WireBatch } from "./wire.js";

const PINNABLE = [
  "status",
  "updated_at",
  "num_successful_records",
  "num_failed_records",
  "input_tokens",
  "output_tokens",
  "status_reason",
] as const satisfies readonly (keyof PinnedFields)[];

/** The fields `addBatches` takes: typed as a record so that a new field of a batch cannot be left out. */
const SEEDABLE: Readonly<Record<keyof WireBatch, true>> = {
  id: true,
  name: true,
  creator_id: true,
  org_id: true,
  status: true,
  created_at: true,
  updated_at: true,
  input_dataset_id: true,
  output_dataset_id: true,
  input_tokens: true,
  output_tokens: true,
  model: true,
  num_records: true,
  num_successful_records: true,
  num_failed_records: true,
  status_reason: true,
};

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;

/** The fields the spec requires of a batch (`Batch.required`). */
const REQUIRED_BATCH_FIELDS = new Set<keyof WireBatch>(["name", "input_dataset_id", "model"]);

/** Checks `addBatches`' `count` and `init`, and the fields that can only be given for one batch. */
export function checkSeedRequest(count: number, init: Partial<WireBatch>): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be an integer >= 0, got ${count}`);
  checkSeedInit(init);
  if (init.id !== undefined && count > 1) throw new RangeError("init.id can only be given with count 1");
  // Each batch writes its own output dataset: one id for several served the first one's alone.
  if (init.output_dataset_id !== undefined && count > 1)
    throw new RangeError("init.output_dataset_id can only be given with count 1");
}

/** Checks what `addBatches` is given, as the spec types each field (int32 counts, int64 token counts as strings). */
function checkSeedInit(init: Partial<WireBatch>): void {
  checkKnownKeys<WireBatch>("addBatches init", init, SEEDABLE);
  for (const [field, value] of Object.entries(init) as [keyof WireBatch, unknown][]) {
    if (value === undefined) continue;
    if (field === "num_records" || field === "num_successful_records" || field === "num_failed_records") {
      checkSeedCount(field, value);
    } else if (typeof value !== "string") {
      throw new TypeError(`init.${field} must be a string, got ${typeof value}`);
    } else if (value === "" && (field === "id" || field === "status" || REQUIRED_BATCH_FIELDS.has(field))) {
      // A status: any other text (one the SDK does not know yet) is served as it is, to test that it
      // passes through. A field the spec requires of a batch: a create never makes one without it,
      // and `omitZeroValues` would leave it out of the JSON.
      throw new TypeError(`init.${field} must be a non-empty string`);
    } else if (
      (field === "input_tokens" || field === "output_tokens") &&
      !(/^\d+$/.test(value) && BigInt(value) <= INT64_MAX)
    ) {
      throw new RangeError(`init.${field} must be an int64 >= 0 as a decimal string, got ${JSON.stringify(value)}`);
    }
    // The times are parsed once, by `addBatches` (`seedTime`), before any batch is added.
  }
}

/** Checks one of a seeded batch's record counts: an int32 >= 0. */
function checkSeedCount(field: "num_records" | "num_successful_records" | "num_failed_records", value: unknown): void {
  if (!(typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= INT32_MAX))
    throw new RangeError(
      `init.${field} must be an integer from 0 to ${INT32_MAX} (int32), got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    );
  // Its output is written in memory when first read (see `MAX_OUTPUT_RECORDS`).
  if (field === "num_records" && value > MAX_OUTPUT_RECORDS)
    throw new RangeError(
      `init.num_records must be at most ${MAX_OUTPUT_RECORDS}, got ${value}: the fake writes a batch's output in memory`,
    );
}

/**
 * The time of a seeded timestamp, in microseconds: RFC 3339, and within the times whose
 * microseconds a number holds exactly (1684 to 2255, as a `ManualClock`'s), or it would be
 * served as another time (2999-12-31T23:59:59.999999Z came back as 3000-01-01).
 */
export function seedTime(field: string, value: string): number {
  const us = parseTimestamp(value);
  if (us === undefined) throw new RangeError(`init.${field} is not RFC 3339: ${value}`);
  if (!Number.isSafeInteger(us))
    throw new RangeError(
      `init.${field} must be a time from 1684 to 2255 (the fake counts time in whole microseconds), got ${value}`,
    );
  return us;
}

/** The life-cycle fields `init` gives, which the life cycle then no longer moves. */
export function pinnedFields(init: Partial<WireBatch>): PinnedFields {
  const pinned: PinnedFields = {};
  for (const field of PINNABLE) {
    // A time is served in the fake's one form, as created_at is (not a 9-digit fraction or an offset as given).
    const value =
      field === "updated_at" && init.updated_at !== undefined
        ? formatTimestamp(seedTime("updated_at", init.updated_at))
        : init[field];
    if (value !== undefined) Object.assign(pinned, { [field]: value });
  }
  return pinned;
}
