// The admin's confirmed redefinitions in PostgreSQL. The knowledge asks whether a version is
// confirmed while it builds, at once: the store reads them all at start and after each reload,
// and writes each confirmation through as one row, so that two replicas confirming different
// uploads at once both keep theirs.
import { createConfirmationStore, type Confirmation, type ConfirmationStore } from '../server/redefinitions.js';
import type { Db } from './db.js';

interface Row {
  code: string;
  file: string;
  fingerprint: string;
  at: Date;
}

async function load(db: Db): Promise<Confirmation[]> {
  const rows = await db.query<Row>('reading the confirmed redefinitions', 'SELECT code, file, fingerprint, at FROM redefinition_confirmations ORDER BY seq');
  return rows.map((r) => ({ code: r.code, file: r.file, fingerprint: r.fingerprint, at: r.at.toISOString() }));
}

/** Opens the store over what the database holds now; `reload()` reads it again. */
export async function createPgConfirmationStore(db: Db): Promise<ConfirmationStore> {
  return createConfirmationStore(
    await load(db),
    async (_all, c) => {
      // Only the latest confirmed version of a code in a file is kept, as in the file's store.
      await db.query(
        'saving a confirmed redefinition',
        `INSERT INTO redefinition_confirmations (code, file, fingerprint, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code, file) DO UPDATE SET fingerprint = excluded.fingerprint, at = excluded.at,
           seq = nextval(pg_get_serial_sequence('redefinition_confirmations', 'seq'))`,
        [c.code, c.file, c.fingerprint, c.at],
      );
    },
    () => load(db),
  );
}
