// Zip-based office files (DOCX, XLSX, ODT) are checked before any parser unzips them: a 350 KB
// DOCX can unpack to 100 MB of XML and take the ingest down with it. First the archive's central
// directory (nothing inflated): entry count, declared unpacked size, ratio per entry. Then each
// entry is streamed through JSZip (what mammoth unzips with) and counted, so an archive whose
// directory lies about its sizes is stopped at the cap instead of being trusted.
import JSZip from 'jszip';
import { extname } from 'node:path';
import { LoadError, type SourceFile } from './types.js';

export interface ZipLimits {
  maxEntries: number;
  /** Unpacked bytes of all entries together. */
  maxTotalBytes: number;
  /** Unpacked / packed, per entry; checked for entries above `ratioFromBytes` (tiny entries may compress wildly and harm nobody). */
  maxRatio: number;
  ratioFromBytes: number;
}

// Real office files sit far below: a 300-page DOCX is ~3 MB of XML in a few dozen entries, its
// text compressing 5-20 times. Deflate's own ceiling is about 1,030 times.
export const ZIP_LIMITS: ZipLimits = { maxEntries: 2000, maxTotalBytes: 50 * 1024 * 1024, maxRatio: 200, ratioFromBytes: 1024 * 1024 };

interface DirectoryEntry {
  name: string;
  packed: number;
  unpacked: number;
}

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/** A zip archive by its first bytes (what DOCX, XLSX and ODT are). */
export function isZip(bytes: Buffer): boolean {
  return bytes.subarray(0, 4).equals(LOCAL_HEADER) || bytes.subarray(0, 4).equals(END_OF_DIRECTORY);
}

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** Entry count and where the directory lies, from the end record (and its ZIP64 twin when the 16/32-bit fields overflow). */
function endRecord(b: Buffer): { count: number; start: number; size: number } | null {
  // Searched from the very end over the whole file, as JSZip does: a guard that looked less far
  // than the parser could be walked around with trailing bytes.
  const eocd = b.lastIndexOf(END_OF_DIRECTORY);
  if (eocd < 0 || eocd + 22 > b.length) return null;
  let count = b.readUInt16LE(eocd + 10);
  let size = b.readUInt32LE(eocd + 12);
  let end = eocd;
  if (count === 0xffff || size === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || b.readUInt32LE(locator) !== 0x07064b50) return null;
    const z = u64(b, locator + 8);
    if (z + 56 > b.length || b.readUInt32LE(z) !== 0x06064b50) return null;
    count = u64(b, z + 32);
    size = u64(b, z + 40);
    end = z;
  }
  // Counted back from the end record: data prepended to the archive does not move it.
  return { count, start: end - size, size };
}

/** The central directory's entries with their declared sizes, or null when it cannot be read here. */
function readDirectory(b: Buffer, maxEntries: number): { count: number; entries: DirectoryEntry[] } | null {
  const end = endRecord(b);
  if (!end || end.start < 0) return null;
  if (end.count > maxEntries) return { count: end.count, entries: [] };
  const entries: DirectoryEntry[] = [];
  let at = end.start;
  for (let i = 0; i < end.count; i++) {
    if (at + 46 > b.length || b.readUInt32LE(at) !== 0x02014b50) return null;
    let packed = b.readUInt32LE(at + 20);
    let unpacked = b.readUInt32LE(at + 24);
    const nameLength = b.readUInt16LE(at + 28);
    const extraLength = b.readUInt16LE(at + 30);
    const commentLength = b.readUInt16LE(at + 32);
    const name = b.toString('utf8', at + 46, at + 46 + nameLength);
    // ZIP64: the real sizes are in the extra field, in this order, for the fields that overflowed.
    let x = at + 46 + nameLength;
    const extraEnd = Math.min(x + extraLength, b.length);
    while (x + 4 <= extraEnd) {
      const id = b.readUInt16LE(x);
      const len = b.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let f = x + 4;
        if (unpacked === 0xffffffff && f + 8 <= extraEnd) (unpacked = u64(b, f)), (f += 8);
        if (packed === 0xffffffff && f + 8 <= extraEnd) packed = u64(b, f);
      }
      x += 4 + len;
    }
    entries.push({ name, packed, unpacked });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { count: end.count, entries };
}

const mb = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;

/**
 * Refuses a zip-based file over the limits with a coded LoadError (TOO_LARGE), before anything is
 * unpacked for good; a file that is not a readable zip is refused as UNREADABLE.
 */
export async function checkZip(file: SourceFile, limits: ZipLimits = ZIP_LIMITS): Promise<void> {
  const kind = (extname(file.relPath).slice(1) || 'zip').toUpperCase();
  const tooLarge = (why: string, vi: string) =>
    new LoadError('TOO_LARGE', file.relPath, `${file.relPath}: ${why}; refused as a possible zip bomb. / Tệp ${kind} ${vi}; nghi là "bom nén", không đọc.`);
  const dir = readDirectory(file.bytes, limits.maxEntries);
  if (dir) {
    if (dir.count > limits.maxEntries) throw tooLarge(`the archive holds ${dir.count} entries (at most ${limits.maxEntries})`, `chứa ${dir.count} tệp con (tối đa ${limits.maxEntries})`);
    const total = dir.entries.reduce((s, e) => s + e.unpacked, 0);
    if (total > limits.maxTotalBytes) throw tooLarge(`the archive unpacks to ${mb(total)} (at most ${mb(limits.maxTotalBytes)})`, `giải nén ra ${mb(total)} (tối đa ${mb(limits.maxTotalBytes)})`);
    for (const e of dir.entries) {
      if (e.unpacked >= limits.ratioFromBytes && e.unpacked > limits.maxRatio * Math.max(e.packed, 1)) {
        const ratio = Math.round(e.unpacked / Math.max(e.packed, 1));
        throw tooLarge(`${e.name} is compressed ${ratio} times (at most ${limits.maxRatio})`, `có phần ${e.name} nén ${ratio} lần (tối đa ${limits.maxRatio})`);
      }
    }
  }
  await countUnpacked(file, kind, limits, new Map(dir?.entries.map((e) => [e.name, e.unpacked]) ?? []), tooLarge);
}

/** Streams every entry through JSZip, counting bytes: no more than declared, no more than the total cap. */
async function countUnpacked(
  file: SourceFile,
  kind: string,
  limits: ZipLimits,
  declared: ReadonlyMap<string, number>,
  tooLarge: (why: string, vi: string) => LoadError,
): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(file.bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: not a readable ${kind} file (${why}). / Tệp ${kind} bị hỏng hoặc không phải ${kind}.`, { cause: err });
  }
  const entries = Object.values(zip.files).filter((e) => !e.dir);
  if (entries.length > limits.maxEntries) throw tooLarge(`the archive holds ${entries.length} entries (at most ${limits.maxEntries})`, `chứa ${entries.length} tệp con (tối đa ${limits.maxEntries})`);
  let total = 0;
  for (const entry of entries) {
    const allowed = Math.min(declared.get(entry.unsafeOriginalName ?? entry.name) ?? Infinity, limits.maxTotalBytes - total);
    const got = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const stream = entry.nodeStream('nodebuffer') as NodeJS.ReadableStream & { destroy(): void };
      stream.on('data', (chunk: Buffer) => {
        n += chunk.length;
        // Stop inflating at the first byte over: the rest is never produced.
        if (n > allowed) {
          stream.destroy();
          resolve(n);
        }
      });
      stream.on('end', () => resolve(n));
      stream.on('error', reject);
    }).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: not a readable ${kind} file (${why}). / Tệp ${kind} bị hỏng hoặc không phải ${kind}.`, { cause: err });
    });
    if (got > allowed) {
      throw total + got > limits.maxTotalBytes
        ? tooLarge(`the archive unpacks to more than ${mb(limits.maxTotalBytes)}`, `giải nén ra hơn ${mb(limits.maxTotalBytes)}`)
        : tooLarge(`${entry.name} unpacks to more than its directory declares`, `có phần ${entry.name} giải nén ra nhiều hơn khai báo`);
    }
    total += got;
  }
}
