// The suite's one wait: it waits for the condition, not for a time, and it can fail.
import { describe, expect, it } from 'vitest';
import { waitFor, WaitTimeoutError } from './wait.js';

describe('waitFor', () => {
  it('resolves once the condition holds, however many looks it takes', async () => {
    let looks = 0;
    await waitFor(() => ++looks === 5, { intervalMs: 1 });
    expect(looks).toBe(5);
  });

  it('takes a check that answers with a promise', async () => {
    let looks = 0;
    await waitFor(async () => ++looks === 3, { intervalMs: 1 });
    expect(looks).toBe(3);
  });

  it('fails at the deadline, saying what it waited for and what was seen', async () => {
    const waited = waitFor(() => false, { timeoutMs: 30, intervalMs: 5, what: 'the reply', detail: () => 'no reply yet' });
    await expect(waited).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waited).rejects.toThrow(/^the reply: not met within 30 ms\nno reply yet$/);
  });

  it('ends at once with the error of a check that throws', async () => {
    let looks = 0;
    const gone = new Error('the process exited');
    await expect(
      waitFor(() => {
        looks++;
        throw gone;
      }),
    ).rejects.toBe(gone);
    expect(looks).toBe(1);
  });

  it('takes a bare number as the deadline', async () => {
    await expect(waitFor(() => false, 20)).rejects.toThrow(/not met within 20 ms/);
  });
});
