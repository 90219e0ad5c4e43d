// One answer per turn of the event loop. Node (libuv) accepts a waiting connection once per turn
// of the loop, and a turn runs every request that is ready: under load (200 connections, each
// answer a few ms of CPU) a turn takes hundreds of ms, so connections were accepted ~300 ms apart
// and the last of 200 waited over a minute before its first byte was read, while the server's own
// time per request stayed under 250 ms. Answering one request a turn keeps turns short, so new
// connections are accepted at once and requests are answered in the order they arrived.

/** Resolves when it is the caller's turn: callers go one per loop turn, first come first served. */
export type Turn = () => Promise<void>;

export function createTurns(): Turn {
  const waiting: Array<() => void> = [];
  let scheduled = false;
  const next = (): void => {
    scheduled = false;
    waiting.shift()?.();
    // Scheduled from the check phase, the next one runs in the next turn, after its poll phase.
    if (waiting.length) schedule();
  };
  const schedule = (): void => {
    scheduled = true;
    setImmediate(next);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) schedule();
    });
}
