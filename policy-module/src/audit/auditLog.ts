// Appends decisions to the audit trail: who, which device, what, which room, the result. The entry type has no
// field for message content, so none can be written. Appends are serialised by a transaction-scoped lock, so
// concurrent writers (gateway requests, CLI commands) still form one chain.
import type { Pool } from 'pg';
import type { AuditEntry, AuditSink } from './auditEntry.ts';
import { inTransaction } from '../database/inTransaction.ts';
import { auditHash, genesisHash, type AuditRecord } from './auditRecord.ts';
import { storableAuditEntry } from './storableAuditEntry.ts';

export type AuditLogDeps = Readonly<{ pool: Pool; clock: () => Date }>;

export function createAuditLog(deps: AuditLogDeps): AuditSink {
  return {
    async record(entry: AuditEntry): Promise<void> {
      const storable = storableAuditEntry(entry);
      await inTransaction(deps.pool, async (client) => {
        // Held until COMMIT: the next append reads this row as its predecessor, and rows commit in seq order.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_audit_append'))");
        const last = await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM bleep_audit ORDER BY seq DESC LIMIT 1',
        );
        const previous = last.rows[0];
        const record: AuditRecord = {
          seq: previous ? Number(previous.seq) + 1 : 1,
          at: deps.clock().toISOString(),
          ...storable,
        };
        const prevHash = previous?.hash ?? genesisHash;
        await client.query(
          `INSERT INTO bleep_audit (seq, at, actor, device, action, room, result, detail, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            record.seq,
            record.at,
            record.actor,
            record.device,
            record.action,
            record.room,
            record.result,
            JSON.stringify(record.detail),
            prevHash,
            auditHash(prevHash, record),
          ],
        );
      });
    },
  };
}
