// The boosted answer decision: trees scored as fitted (server/answer/boosted.ts), the fitting
// itself (test/eval/boost.ts) on data whose answer is known, and the monotone constraints that
// keep it sensible where the training questions are few.
import { describe, expect, it } from 'vitest';
import { BoostedTrees, boostedLogOdds } from '../../../server/answer/boosted.js';
import { fitBoosted } from '../../eval/boost.js';

/** A fixed pseudo-random sequence: the same data on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('scoring boosted trees', () => {
  const model: BoostedTrees = {
    base: -1,
    features: 2,
    trees: [
      { f: 0, t: 0.5, l: { v: -0.5 }, r: { f: 1, t: 2, l: { v: 0.25 }, r: { v: 1 } } },
      { v: 0.1 },
    ],
  };

  it('adds the base and each tree’s leaf, a feature below the threshold going left', () => {
    expect(boostedLogOdds(model, [0.2, 9])).toBeCloseTo(-1 - 0.5 + 0.1, 10);
    expect(boostedLogOdds(model, [0.5, 1])).toBeCloseTo(-1 + 0.25 + 0.1, 10);
    expect(boostedLogOdds(model, [0.9, 2])).toBeCloseTo(-1 + 1 + 0.1, 10);
  });

  it('refuses a vector of another length, and the schema refuses a malformed tree', () => {
    expect(() => boostedLogOdds(model, [0.2])).toThrow(/expects 2 features, got 1/);
    expect(BoostedTrees.safeParse({ base: 0, features: 1, trees: [{ f: 0, t: 1, l: { v: 0 } }] }).success).toBe(false);
    expect(BoostedTrees.parse(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });
});

describe('fitting boosted trees', () => {
  const rnd = random(7);
  // y depends on an interaction no linear model captures: x0 high and x1 low.
  const xs = Array.from({ length: 600 }, () => [rnd(), rnd(), rnd()]);
  const ys = xs.map(([a, b]) => (a! > 0.6 && b! < 0.4 ? 1 : 0));

  it('learns an interaction: high log-odds only where both conditions hold', () => {
    const m = fitBoosted(xs, ys);
    expect(m.features).toBe(3);
    expect(boostedLogOdds(m, [0.9, 0.1, 0.5])).toBeGreaterThan(1);
    for (const x of [[0.9, 0.9, 0.5], [0.1, 0.1, 0.5], [0.2, 0.8, 0.5]]) expect(boostedLogOdds(m, x)).toBeLessThan(-1);
    // Right on most of the data it was fitted on.
    const right = xs.filter((x, i) => (boostedLogOdds(m, x) > 0 ? 1 : 0) === ys[i]).length;
    expect(right / xs.length).toBeGreaterThan(0.95);
  });

  it('with an offset, learns only the correction to another model’s log-odds', () => {
    const offset = xs.map(() => 2);
    const m = fitBoosted(xs, ys, {}, offset);
    expect(m.base).toBe(0);
    expect(2 + boostedLogOdds(m, [0.1, 0.9, 0.5])).toBeLessThan(0);
    expect(2 + boostedLogOdds(m, [0.9, 0.1, 0.5])).toBeGreaterThan(0);
  });

  it('keeps a monotone feature monotone everywhere, even against the data', () => {
    // Data where y falls as x0 rises; the constraint says it may only rise.
    const ys2 = xs.map(([a, , c]) => (a! < 0.5 && c! > 0.3 ? 1 : 0));
    const free = fitBoosted(xs, ys2);
    const bound = fitBoosted(xs, ys2, { monotone: [1, 0, 0] });
    const along = (m: BoostedTrees, x1: number, x2: number) => Array.from({ length: 21 }, (_, i) => boostedLogOdds(m, [i / 20, x1, x2]));
    expect(along(free, 0.5, 0.8)[0]!).toBeGreaterThan(along(free, 0.5, 0.8)[20]!);
    for (const [x1, x2] of [[0.1, 0.1], [0.5, 0.8], [0.9, 0.5], [0.3, 0.35]]) {
      const line = along(bound, x1!, x2!);
      for (let i = 1; i < line.length; i++) expect(line[i]!).toBeGreaterThanOrEqual(line[i - 1]! - 1e-12);
    }
    // The other features still do their work.
    expect(boostedLogOdds(bound, [0.5, 0.5, 0.9])).toBeGreaterThan(boostedLogOdds(bound, [0.5, 0.5, 0.1]));
  });
});
