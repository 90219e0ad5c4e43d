// Which record of a procedure is served when several sources define its code. Among the
// bundled sources (data/ and the national catalogue) a curated record wins over the portal's and
// the portal fills what it leaves out. An admin's upload that redefines a bundled code is not
// served until the admin confirms that version of it: until then the bundled link and facts
// stay, and the redefinition is listed for the admin. An upload's new codes are served at once.
import { createHash } from 'node:crypto';
import type { Procedure } from '../../domain/records.js';
import type { StoredProcedure } from '../../ingest/index.js';

export interface ProcedurePrecedence {
  /** Whether a source (its path as the index names it) is an admin's upload. */
  isUpload(source: string): boolean;
  /** Whether the admin confirmed this upload's version (`fingerprint`) of `code`. */
  isConfirmed(code: string, source: string, fingerprint: string): boolean;
}

/** An upload's record for a code the bundled data already defines, and how it differs. */
export interface Redefinition {
  code: string;
  /** The name served (the bundled one until confirmed). */
  name: string;
  /** The upload, as the index names it. */
  source: string;
  /** Identifies this version of the upload's record: a confirmation holds for it only. */
  fingerprint: string;
  bundledUrl?: string;
  uploadUrl?: string;
  /** Fields the upload gives differently ("url", "channels", …). */
  changed: string[];
  confirmed: boolean;
}

/** Without a precedence every source counts as bundled: the order of sources decides, as before uploads. */
export const NO_UPLOADS: ProcedurePrecedence = { isUpload: () => false, isConfirmed: () => false };

const IGNORED: ReadonlySet<string> = new Set(['source', 'origin', 'provenance']);

const isEmpty = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.length === 0);

/** Merge `over` onto `under`: what `over` says wins, `under` fills what it leaves out. */
function merge(over: StoredProcedure, under: StoredProcedure): StoredProcedure {
  const out: StoredProcedure = { ...under, ...over };
  for (const k of Object.keys(under) as Array<keyof Procedure>) {
    if (isEmpty(over[k])) (out as Record<string, unknown>)[k] = under[k];
  }
  return out;
}

/** The bundled rule: a curated record over the portal's; the same origin twice, the later source wins. */
function combine(records: readonly StoredProcedure[]): StoredProcedure {
  let served = records[0]!;
  for (const p of records.slice(1)) {
    if (p.origin === 'curated' && served.origin !== 'curated') served = merge(p, served);
    else if (served.origin === 'curated' && p.origin !== 'curated') served = merge(served, p);
    else served = p;
  }
  return served;
}

/** JSON with keys in a fixed order, so that equal records print alike whatever their key order. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A version of an upload's record, whichever file or run it came from (its source left out). */
export function recordFingerprint(p: StoredProcedure): string {
  const { source: _source, ...facts } = p;
  return createHash('sha256').update(stable(facts)).digest('hex').slice(0, 16);
}

/** Fields the upload gives that differ from what is served. */
function changedFields(upload: StoredProcedure, served: StoredProcedure): string[] {
  return Object.keys(upload).filter((k) => {
    if (IGNORED.has(k)) return false;
    const v = (upload as Record<string, unknown>)[k];
    return !isEmpty(v) && stable(v) !== stable((served as Record<string, unknown>)[k]);
  });
}

/** The record served for one code (its records in index order) and the uploads that redefine it. */
export function serveProcedure(records: readonly StoredProcedure[], precedence: ProcedurePrecedence = NO_UPLOADS): { served: StoredProcedure; redefinitions: Redefinition[] } {
  const bundled = records.filter((p) => !precedence.isUpload(p.source));
  const uploads = records.filter((p) => precedence.isUpload(p.source));
  if (bundled.length === 0) return { served: combine(uploads), redefinitions: [] };
  const base = combine(bundled);
  let served = base;
  const redefinitions: Redefinition[] = [];
  for (const upload of uploads) {
    const changed = changedFields(upload, base);
    if (changed.length === 0) continue; // it restates the bundled record: nothing to confirm
    const fingerprint = recordFingerprint(upload);
    const confirmed = precedence.isConfirmed(upload.code, upload.source, fingerprint);
    redefinitions.push({
      code: upload.code,
      name: base.name,
      source: upload.source,
      fingerprint,
      ...(base.url ? { bundledUrl: base.url } : {}),
      ...(upload.url ? { uploadUrl: upload.url } : {}),
      changed,
      confirmed,
    });
    if (confirmed) served = merge(upload, served);
  }
  return { served, redefinitions };
}
