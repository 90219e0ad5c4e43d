// When the file store merges segments. Every publish adds a segment and leaves the old chunks
// of changed sources unserved in theirs; searches visit every segment, and unserved chunks cost
// memory. Merging rewrites only a tail of the segment list: the large first segment (the
// catalogue) is left alone until a fair share of it is unserved.
import type { SegmentRef } from './store.js';

/** More segments than this and the small ones after the first are merged. */
export const MAX_SEGMENTS = 6;
/** A segment with more than this share of its chunks unserved is rewritten (with all after it). */
export const MAX_UNSERVED = 0.3;

/** Where the run of segments to merge starts (it runs to the end); -1 when nothing needs merging. */
export function compactionRun(segments: readonly SegmentRef[]): number {
  let start = segments.findIndex((s) => s.chunks > 0 && (s.chunks - s.live) / s.chunks > MAX_UNSERVED);
  if (segments.length > MAX_SEGMENTS) start = start < 0 ? 1 : Math.min(start, 1);
  // A run of one segment with nothing unserved would only copy it.
  if (start >= 0 && start === segments.length - 1 && segments[start]!.live === segments[start]!.chunks) return -1;
  return start;
}
