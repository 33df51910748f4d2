/**
 * When the SDK's own deadline signals fire (`Date.now()` ms), for the retry layer: the polls of a
 * wait carry one, and a retry whose pause would outlast it is not slept through. The wait then
 * sees the failure at once, and ends as a server's pause past its deadline ends it (see
 * `waitFor`), instead of sleeping until its deadline cuts the pause short.
 */
export const signalDeadlines: WeakMap<AbortSignal, number> = new WeakMap();
