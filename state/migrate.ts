// The database's schema, brought to the version this code knows at start: the versioned SQL
// files in state/migrations (NNN.do.name.sql), applied in order by postgrator inside one
// transaction. Replicas starting together take turns (a transaction-scoped advisory lock), so
// each migration runs once. A database at a newer version than the code (migrated by a newer
// release) is refused and left as it is: postgrator would otherwise look for "undo" files.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type { Db } from './db.js';

/** The migrations beside this file (compiled: copied beside the JavaScript by `npm run build`). */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The table postgrator records the applied versions in, in the connection's current schema. */
const VERSION_TABLE = 'state_schema_version';

/** One number for the advisory lock every replica of this service takes while it migrates. */
const MIGRATION_LOCK = 0x7474_6863; // "tthc"

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly code: 'STATE_SCHEMA_NEWER' | 'STATE_SCHEMA_CHANGED';
  constructor(code: SchemaError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface MigrationResult {
  /** The schema's version before and after. */
  from: number;
  to: number;
  applied: string[];
}

export async function migrate(db: Db, options: { dir?: string } = {}): Promise<MigrationResult> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  return db.transaction('migrating the schema', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Postgrator finds its table by name in information_schema: tie it to our schema, or it
    // would find another schema's table of the same name in this database.
    const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('The connection has no current schema: DATABASE_URL must name a database whose search_path exists');
    const postgrator = new Postgrator({
      driver: 'pg',
      migrationPattern: path.join(dir, '*.sql').split(path.sep).join('/'),
      schemaTable: VERSION_TABLE,
      currentSchema: schema,
      execQuery: (sql) => client.query(sql),
    });
    const known = await postgrator.getMaxVersion();
    const from = await postgrator.getDatabaseVersion();
    if (from > known) {
      throw new SchemaError(
        'STATE_SCHEMA_NEWER',
        `The database's state schema is at version ${from}, newer than this release knows (${known}): a newer release has migrated it. ` +
          `Start that release (or a newer one) against this database, or point DATABASE_URL at another; nothing was changed.`,
      );
    }
    let applied: Postgrator.Migration[];
    try {
      applied = await postgrator.migrate('max');
    } catch (error) {
      if (/MD5 checksum failed/.test((error as Error).message)) {
        throw new SchemaError(
          'STATE_SCHEMA_CHANGED',
          `A migration already applied to this database has been edited since (${(error as Error).message}): ` +
            'migrations are never changed once released; add a new one instead. Nothing was changed.',
          { cause: error },
        );
      }
      throw error;
    }
    // Postgrator set this connection's search_path to the schema; give the pool back the one it had.
    await client.query('RESET search_path');
    return { from, to: applied.at(-1)?.version ?? from, applied: applied.map((m) => path.basename(m.filename)) };
  });
}
