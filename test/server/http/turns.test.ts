import { describe, expect, it } from 'vitest';
import { createTurns } from '../../../server/http/turns.js';

describe('turns', () => {
  it('lets callers go first come first served, one per turn of the event loop', async () => {
    const turn = createTurns();
    // A ticker that runs once every turn of the loop: the count tells which turn a caller went in.
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const went: Array<{ caller: number; turn: number }> = [];
    await Promise.all([1, 2, 3, 4].map((caller) => turn().then(() => went.push({ caller, turn: ticks }))));
    ticking = false;
    expect(went.map((w) => w.caller)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < went.length; i++) expect(went[i]!.turn).toBeGreaterThan(went[i - 1]!.turn);
  });

  it('lets a connection in between two answers', async () => {
    const { createServer, connect } = await import('node:net');
    const turn = createTurns();
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted: string[] = [];
    server.on('connection', () => accepted.push('accepted'));
    const port = (server.address() as { port: number }).port;
    const order: string[] = [];
    // Two answers queued; a client connects while the first is being given.
    const first = turn().then(() => {
      order.push('answer 1');
      connect(port, '127.0.0.1').on('error', () => undefined);
      const until = Date.now() + 200;
      while (Date.now() < until); // the answer's CPU time: the connection waits in the kernel meanwhile
    });
    const second = turn().then(() => order.push(accepted.length ? 'answer 2 after the accept' : 'answer 2 before the accept'));
    await Promise.all([first, second]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(order).toEqual(['answer 1', 'answer 2 after the accept']);
  });
});
