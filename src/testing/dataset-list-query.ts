/**
 * Reads and checks the query of `GET /v1/datasets`: `limit`, `offset`, `before` / `after`,
 * `datasetType` and `validationStatus`, as filters over the datasets a list sees.
 */
import type { WireDataset } from "./dataset-wire.js";
import { parseTimestamp } from "./timestamp.js";

const STATUSES = new Set(["unknown", "queued", "processing", "failed", "validated", "skipped"]);

/**
 * A dataset as `list` sees it: what its filters read (when it was created, its type and its
 * validation status), and its wire form at the time of the list, built only for the datasets a
 * page returns (an output dataset's is its Avro files, written on demand).
 */
export interface ListedDataset {
  readonly createdAtUs: number;
  readonly datasetType: string;
  readonly validationStatus: string;
  readonly dataset: () => WireDataset | Promise<WireDataset>;
}

type Filter = (listed: ListedDataset) => boolean;

function count(params: URLSearchParams, name: string): number | string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : `${name} must be a non-negative integer, got ${JSON.stringify(raw)}`;
}

function timeFilter(params: URLSearchParams, name: "before" | "after"): Filter | string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  // Datasets are stamped to the microsecond: `created < before` holds for a `before` with more
  // digits when it holds for the next microsecond up; `created > after`, for the one down.
  const us = parseTimestamp(raw, name === "before");
  if (us === undefined) return `${name} must be an RFC 3339 date-time, got ${JSON.stringify(raw)}`;
  return name === "before" ? (l) => l.createdAtUs < us : (l) => l.createdAtUs > us;
}

export function parseListFilters(
  params: URLSearchParams,
): { filters: Filter[]; limit: number | undefined; offset: number } | string {
  const limit = count(params, "limit");
  const offset = count(params, "offset");
  if (typeof limit === "string") return limit;
  if (typeof offset === "string") return offset;
  const filters: Filter[] = [];
  for (const name of ["before", "after"] as const) {
    const filter = timeFilter(params, name);
    if (typeof filter === "string") return filter;
    if (filter) filters.push(filter);
  }
  const type = params.get("datasetType");
  if (type) filters.push((l) => l.datasetType === type);
  const status = params.get("validationStatus");
  if (status && !STATUSES.has(status)) return `validationStatus ${JSON.stringify(status)} is not a validation status`;
  if (status) filters.push((l) => l.validationStatus === status);
  return { filters, limit, offset: offset ?? 0 };
}
