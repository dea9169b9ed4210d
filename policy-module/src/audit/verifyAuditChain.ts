// Walks the whole audit trail and reports the first row that is not what was written: a changed field, a broken
// link, or a missing row (a gap in the sequence, or the first row not starting the chain).
import type { Pool } from 'pg';
import { auditHash, genesisHash } from './auditRecord.ts';
import { readAuditRows } from './readAuditRows.ts';

export type AuditVerification =
  | Readonly<{ ok: true; rows: number; lastHash: string }>
  | Readonly<{ ok: false; rows: number; seq: number; problem: string }>;

export async function verifyAuditChain(pool: Pool): Promise<AuditVerification> {
  const rows = await readAuditRows(pool);
  let expectedSeq = 1;
  let prevHash = genesisHash;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        rows: rows.length,
        seq: expectedSeq,
        problem: `row ${expectedSeq} is missing (deleted)`,
      };
    }
    if (row.prevHash !== prevHash) {
      return {
        ok: false,
        rows: rows.length,
        seq: row.seq,
        problem: `row ${row.seq} does not follow row ${row.seq - 1}`,
      };
    }
    const { prevHash: _prev, hash, ...record } = row;
    if (auditHash(prevHash, record) !== hash) {
      return {
        ok: false,
        rows: rows.length,
        seq: row.seq,
        problem: `row ${row.seq} was changed after it was written`,
      };
    }
    prevHash = hash;
    expectedSeq += 1;
  }
  return { ok: true, rows: rows.length, lastHash: prevHash };
}
