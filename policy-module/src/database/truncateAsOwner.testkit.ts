// Test support, not used in production: empties tables whose triggers refuse TRUNCATE (the audit trail, the
// accepted directory mark), as their owner can, so each test of a file that shares one throwaway database starts
// from empty tables instead of from the rows earlier tests left. The triggers are off only inside one transaction:
// no other connection ever sees them off.
import type { Pool } from 'pg';
import { inTransaction } from './inTransaction.ts';

export async function truncateAsOwner(pool: Pool, tables: readonly string[]): Promise<void> {
  const names = tables.map((table) => {
    // Table names come from the tests themselves; anything but a plain identifier is a mistake there.
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a plain table name: "${table}"`);
    return table;
  });
  await inTransaction(pool, async (client) => {
    for (const table of names) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query(`TRUNCATE ${names.join(', ')}`);
    for (const table of names) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}
