/**
 * One server per fake: its signed URLs name one download origin, so a second server would move
 * every URL the first hands out to itself (see `startFakeCohereServer`).
 */
import type { FakeCohere } from "./fake-cohere.js";

/** The fakes a server serves (or is starting to serve) now, and that server's URL once known. */
const served = new WeakMap<FakeCohere, { url: string }>();

/** A fake held for one server, from before its first wait until it closes. */
export interface Reservation {
  /** Records the server's URL, for the error of a second start. */
  setUrl(url: string): void;
  /** Frees the fake for another server (if it is still this one's). */
  release(): void;
}

/**
 * Holds `fake` for a server that starts, or throws a `RangeError` naming the server that serves it
 * already (the fake's other misuse is a `TypeError` or `RangeError` too, never a bare `Error`).
 */
export function reserve(fake: FakeCohere): Reservation {
  const current = served.get(fake);
  if (current !== undefined)
    throw new RangeError(
      `this FakeCohere is already served ${current.url === "" ? "(its server is starting)" : `at ${current.url}`}: close that server first, or give each server a FakeCohere of its own`,
    );
  // Reserved before the first wait: two starts at once cannot both pass the check above.
  const mine = { url: "" };
  served.set(fake, mine);
  return {
    setUrl: (url) => {
      mine.url = url;
    },
    release: () => {
      if (served.get(fake) === mine) served.delete(fake);
    },
  };
}
