// Test support for the audit trail's tests, which run against real PostgreSQL (127.0.0.1:5432, user postgres, or
// BLEEP_TEST_POSTGRES_URL): a throwaway database with the audit schema, a clock that steps forward at each reading,
// and audit entries.
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import type { AuditEntry } from './auditEntry.ts';
import { migrateAuditSchema } from './auditSchema.ts';

export async function createAuditTestDatabase(): Promise<ThrowawayDatabase> {
  const database = await createThrowawayDatabase('bleep_audit_test');
  try {
    await migrateAuditSchema(database.pool);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/** A clock that starts at `start` and moves `stepMs` forward each time it is read. */
export function steppingClock(start = '2026-11-23T08:00:00Z', stepMs = 1000): () => Date {
  let tick = Date.parse(start);
  return () => {
    const now = new Date(tick);
    tick += stepMs;
    return now;
  };
}

export function auditEntry(actor: string | null, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { actor, device: 'WARD12-PC03', action: 'login', room: null, result: 'ok', ...overrides };
}

/**
 * Runs `work` with the table's triggers off (append-only and next-link), as its owner or a superuser tampering
 * with the table would, then puts them back.
 */
export async function withTriggerDisabled(
  database: ThrowawayDatabase,
  work: () => Promise<unknown>,
): Promise<void> {
  await database.pool.query('ALTER TABLE bleep_audit DISABLE TRIGGER USER');
  try {
    await work();
  } finally {
    await database.pool.query('ALTER TABLE bleep_audit ENABLE TRIGGER USER');
  }
}
