// Fitting gradient-boosted trees for the answer decision (server/answer/boosted.ts scores
// them): logistic loss, Newton leaf values, depth-limited trees grown greedily over the sorted
// values of each feature. The data are a few hundred questions, so exact splits are cheap.
import { treeValue, type BoostedTrees, type TreeNode } from '../../server/answer/boosted.js';

export interface BoostOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Fewest examples a leaf may hold. */
  minLeaf: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /**
   * Per feature: +1 if the log-odds may only rise with it, -1 only fall, 0 free. Keeps the model
   * sensible where the training questions are few (see `grow`).
   */
  monotone?: readonly number[];
}
export const BOOST_DEFAULTS: BoostOptions = { trees: 200, depth: 3, learningRate: 0.05, minLeaf: 20, lambda: 1 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Rows sorted by each feature, once: a node walks them keeping its own rows. */
type Presorted = Uint32Array[];

/**
 * One tree, greedily. Monotone features are split only where the two sides' values keep the
 * required order, and each side's values are then bounded by the midpoint between them, so the
 * whole tree (and so the sum of trees) keeps the order everywhere, not only at this split.
 */
function grow(xs: number[][], order: Presorted, g: Float64Array, h: Float64Array, rows: number[], depth: number, o: BoostOptions, lo = -Infinity, hi = Infinity): TreeNode {
  let G = 0;
  let H = 0;
  for (const i of rows) {
    G += g[i]!;
    H += h[i]!;
  }
  const clamp = (w: number) => Math.min(hi, Math.max(lo, w));
  const value = clamp(-G / (H + o.lambda)) * o.learningRate;
  if (depth === 0 || rows.length < 2 * o.minLeaf) return { v: value };
  const parent = (G * G) / (H + o.lambda);
  let best: { gain: number; f: number; t: number; wl: number; wr: number } | null = null;
  const nf = xs[0]!.length;
  const inNode = new Uint8Array(xs.length);
  for (const i of rows) inNode[i] = 1;
  const sorted = new Uint32Array(rows.length);
  for (let f = 0; f < nf; f++) {
    let m = 0;
    for (const i of order[f]!) if (inNode[i]) sorted[m++] = i;
    const mono = o.monotone?.[f] ?? 0;
    let gl = 0;
    let hl = 0;
    for (let k = 0; k < sorted.length - 1; k++) {
      const i = sorted[k]!;
      gl += g[i]!;
      hl += h[i]!;
      const here = xs[i]![f]!;
      const next = xs[sorted[k + 1]!]![f]!;
      if (here === next || k + 1 < o.minLeaf || sorted.length - k - 1 < o.minLeaf) continue;
      const gr = G - gl;
      const hr = H - hl;
      const wl = clamp(-gl / (hl + o.lambda));
      const wr = clamp(-gr / (hr + o.lambda));
      if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) continue;
      const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
      if (gain > 1e-9 && (!best || gain > best.gain)) best = { gain, f, t: (here + next) / 2, wl, wr };
    }
  }
  if (!best) return { v: value };
  const t = Number(best.t.toPrecision(6));
  const left = rows.filter((i) => xs[i]![best.f]! < t);
  const right = rows.filter((i) => xs[i]![best.f]! >= t);
  const mono = o.monotone?.[best.f] ?? 0;
  const mid = (best.wl + best.wr) / 2;
  const [ll, lh, rl, rh] = mono > 0 ? [lo, mid, mid, hi] : mono < 0 ? [mid, hi, lo, mid] : [lo, hi, lo, hi];
  return { f: best.f, t, l: grow(xs, order, g, h, left, depth - 1, o, ll, lh), r: grow(xs, order, g, h, right, depth - 1, o, rl, rh) };
}

const roundLeaves = (n: TreeNode): TreeNode => ('v' in n ? { v: Number(n.v.toFixed(5)) } : { ...n, l: roundLeaves(n.l), r: roundLeaves(n.r) });

/**
 * Fit trees that give the log-odds of y = 1 for each row of xs. With `offset` (another model's
 * log-odds for each row) the trees learn only a correction to it, and the model's log-odds are
 * the offset plus the trees.
 */
export function fitBoosted(xs: number[][], ys: number[], options: Partial<BoostOptions> = {}, offset?: readonly number[]): BoostedTrees {
  const o = { ...BOOST_DEFAULTS, ...options };
  const n = xs.length;
  const mean = Math.min(0.99, Math.max(0.01, ys.reduce((s, y) => s + y, 0) / Math.max(1, n)));
  const base = offset ? 0 : Math.log(mean / (1 - mean));
  const z = Float64Array.from({ length: n }, (_, i) => base + (offset?.[i] ?? 0));
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const all = [...Array(n).keys()];
  const trees: TreeNode[] = [];
  const nf = xs[0]?.length ?? 0;
  const order: Presorted = Array.from({ length: nf }, (_, f) => Uint32Array.from(all).sort((a, b) => xs[a]![f]! - xs[b]![f]!));
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(z[i]!);
      g[i] = p - ys[i]!;
      h[i] = Math.max(1e-6, p * (1 - p));
    }
    const tree = roundLeaves(grow(xs, order, g, h, all, o.depth, o));
    trees.push(tree);
    for (let i = 0; i < n; i++) z[i]! += treeValue(tree, xs[i]!);
  }
  return { base: Number(base.toFixed(5)), features: xs[0]?.length ?? 1, trees };
}
