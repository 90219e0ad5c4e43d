// Session memory: the last turn per session, forgotten after its time to live, bounded in size.
import { describe, expect, it } from 'vitest';
import { createSessionMemory, type Turn } from '../../../server/answer/sessions.js';

const turn = (at: number, procedureCode = '1.001193'): Turn => ({ intent: 'procedure', language: 'vi', procedureCode, at });

describe('createSessionMemory', () => {
  it('returns the last turn of a session, and nothing for another', () => {
    const m = createSessionMemory();
    m.remember('a', turn(Date.now(), '1.001193'));
    m.remember('a', turn(Date.now(), '1.001456'));
    expect(m.last('a')?.procedureCode).toBe('1.001456');
    expect(m.last('b')).toBeUndefined();
  });

  it('forgets a turn older than its time to live', () => {
    let clock = 1_000_000;
    const m = createSessionMemory({ ttlMs: 60_000, now: () => clock });
    m.remember('a', turn(clock));
    clock += 60_000;
    expect(m.last('a')?.procedureCode).toBe('1.001193'); // exactly at the limit: still remembered
    clock += 1;
    expect(m.last('a')).toBeUndefined();
    clock -= 1; // once forgotten, it stays forgotten
    expect(m.last('a')).toBeUndefined();
  });

  it('evicts the least recently written session beyond its size', () => {
    const clock = 5_000;
    const m = createSessionMemory({ max: 2, now: () => clock });
    m.remember('a', turn(clock));
    m.remember('b', turn(clock));
    m.remember('a', turn(clock, '1.001456')); // a is written again: b is now the oldest
    m.remember('c', turn(clock));
    expect(m.last('b')).toBeUndefined();
    expect(m.last('a')?.procedureCode).toBe('1.001456');
    expect(m.last('c')).toBeDefined();
  });
});
