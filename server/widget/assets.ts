// Loads the widget's static files (widget script, demo page, admin page) once, at build time,
// with their content type and an ETag; the HTTP layer serves them from memory.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const ASSET_FILES = ['widget.js', 'index.html', 'demo.css', 'admin.html', 'admin.js', 'admin.css'] as const;
export type AssetName = (typeof ASSET_FILES)[number];

export async function loadWidgetAssets(dir: string = STATIC_DIR): Promise<Record<AssetName, StaticAsset>> {
  const entries = await Promise.all(
    ASSET_FILES.map(async (name) => {
      const body = await readFile(path.join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      const contentType = TYPES[path.extname(name)] ?? 'application/octet-stream';
      return [name, { body, contentType, etag }] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<AssetName, StaticAsset>;
}
