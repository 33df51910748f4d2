/**
 * The mark of an SDK plugin whose time outside `next()` is the wait it is made for (the rate
 * limiter's queue for a slot): the guard of users' middleware does not bound that time by
 * `timeoutInSeconds` (a wait past it failed the call, and the slot it held was never given
 * back: calls behind it waited longer still). The caller's abort still ends it. A module's own
 * symbol, not `Symbol.for`: a user's plugin cannot claim it (the other build's rate limiter is
 * then bounded as before).
 */
export const waitsByDesign: unique symbol = Symbol("waits by design");
