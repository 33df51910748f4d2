/**
 * Reads and checks the query of `GET /v2/batches`: `page_size`, `page_token`, `order_by`.
 *
 * @packageDocumentation
 */
import type { OrderBy } from "./page-token.js";

/**
 * `page_size` when the request gives none (the spec: "at most 50 batches").
 *
 * @example
 * ```ts
 * fake.addBatches(DEFAULT_PAGE_SIZE + 1);
 * const page = await client.batches.list(); // a full page, and a next_page_token
 * ```
 * @public
 */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * The largest page; larger `page_size` values are clamped to it, as the spec says.
 *
 * @example
 * ```ts
 * const page = await client.batches.list({ page_size: 5000 }); // at most MAX_PAGE_SIZE batches
 * ```
 * @public
 */
export const MAX_PAGE_SIZE = 1000;

/** A checked list query. */
export interface ListQuery {
  readonly pageSize: number;
  readonly orderBy: OrderBy;
  /** The raw token, not yet decoded. */
  readonly pageToken?: string;
}

/** Why a list query was refused (a 400 message naming the parameter). */
export interface ListQueryError {
  readonly error: string;
}

/**
 * Parses the list query. Empty values (`?page_size=`) count as absent, as with Cohere's gateway,
 * which maps an empty query value to the field's zero value, that is "unspecified"; so does
 * `page_size=0`, that zero value itself, which gives {@link DEFAULT_PAGE_SIZE}.
 *
 * @returns The query, or an error whose message names the offending parameter.
 */
export function parseListQuery(params: URLSearchParams): ListQuery | ListQueryError {
  let pageSize = DEFAULT_PAGE_SIZE;
  const rawSize = params.get("page_size");
  if (rawSize !== null && rawSize !== "") {
    // Digits only: "1.5", "-1", "1e3", " 5" and "abc" are all refused.
    if (!/^\d+$/.test(rawSize)) {
      return { error: `page_size must be a non-negative integer, got ${JSON.stringify(rawSize)}` };
    }
    const size = Number(rawSize);
    // An int32 in the spec: a larger number is not a page_size at all, not one to clamp.
    if (size > 2 ** 31 - 1) return { error: `page_size must be an int32 (at most 2147483647), got ${rawSize}` };
    if (size > 0) pageSize = Math.min(size, MAX_PAGE_SIZE);
  }
  const rawOrder = params.get("order_by");
  let orderBy: OrderBy = "created_at";
  if (rawOrder !== null && rawOrder !== "") {
    if (rawOrder !== "created_at" && rawOrder !== "updated_at") {
      return { error: `order_by must be "created_at" or "updated_at", got ${JSON.stringify(rawOrder)}` };
    }
    orderBy = rawOrder;
  }
  const pageToken = params.get("page_token");
  return pageToken === null || pageToken === "" ? { pageSize, orderBy } : { pageSize, orderBy, pageToken };
}
