const nextTurn = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/**
 * A source as fast as memory (an in-memory generator) settles every read in a microtask, and
 * fetch's pulls would then hold the event loop: no timer (the attempt's timeout) and no abort
 * could fire. Every 20 ms of reading, this lets the event loop turn once.
 */
export function eventLoopTurns(): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < 20) return undefined;
    // setImmediate where there is one (Node, Bun): it lets expired timers fire on the loop's next
    // turn without setTimeout's 1 ms minimum.
    return new Promise<void>((resolve) => (nextTurn ?? setTimeout)(resolve)).then(() => {
      last = Date.now();
    });
  };
}
