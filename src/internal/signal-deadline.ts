/**
 * When the SDK's own deadline signals fire (`Date.now()` ms), for the retry layer: the polls of a
 * wait carry one, and a retry whose pause would outlast it is not slept through. The wait then
 * sees the failure at once, and ends as a server's pause past its deadline ends it (see
 * `waitFor`), instead of sleeping until its deadline cuts the pause short.
 */
export const signalDeadlines: WeakMap<AbortSignal, number> = new WeakMap();

/**
 * The last failure a call on one of those signals met (a wait's polls share one): the retry
 * layer notes each failure it pauses after, the wait each failed poll. A deadline that cuts a
 * poll's own retries short ends the wait with that failure as its timeout's `cause`, not none.
 */
export const signalFailures: WeakMap<AbortSignal, unknown> = new WeakMap();
