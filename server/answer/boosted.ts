// Gradient-boosted decision trees, as the answer decision uses them: a sum of small trees gives
// the log-odds that the top record is the right one. Only the scoring lives here; the trees are
// fitted on the `tune` split by test/eval/boost.ts and shipped inside rank-model.json.
import { z } from 'zod';

/** A node: a split (feature `f` below threshold `t` goes left) or a leaf value `v`. */
type TreeNode = { f: number; t: number; l: TreeNode; r: TreeNode } | { v: number };
const TreeNode: z.ZodType<TreeNode> = z.lazy(() =>
  z.union([z.object({ f: z.number().int().nonnegative(), t: z.number(), l: TreeNode, r: TreeNode }), z.object({ v: z.number() })]),
);

export const BoostedTrees = z.object({
  /** Log-odds before any tree. */
  base: z.number(),
  /** How many features each input vector has (a model for another vector is refused). */
  features: z.number().int().positive(),
  trees: z.array(TreeNode),
});
export type BoostedTrees = z.infer<typeof BoostedTrees>;
export type { TreeNode };

/** The value of the leaf a feature vector reaches in one tree. */
export function treeValue(node: TreeNode, x: readonly number[]): number {
  let n = node;
  while (!('v' in n)) n = x[n.f]! < n.t ? n.l : n.r;
  return n.v;
}

/** The model's log-odds for one feature vector. */
export function boostedLogOdds(m: BoostedTrees, x: readonly number[]): number {
  if (x.length !== m.features) throw new Error(`The boosted model expects ${m.features} features, got ${x.length}.`);
  let s = m.base;
  for (const t of m.trees) s += treeValue(t, x);
  return s;
}
