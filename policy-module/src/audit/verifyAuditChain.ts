// Walks the whole audit trail in seq order and reports the first row that is not what was written: a changed
// field, a broken link, or a missing row (a gap in the sequence, or the first row not starting the chain). Given an
// anchor (a seq and hash kept from an earlier verification, outside the database), it also catches the newest rows
// being cut off or the chain being rewritten from the start, which the chain alone cannot show.
import type { Pool } from 'pg';
import { auditHash, genesisHash } from './auditRecord.ts';
import { readAuditPage } from './readAuditRows.ts';

export type AuditAnchor = Readonly<{ seq: number; hash: string }>;

export type AuditChainProblem =
  'AUDIT_ROW_MISSING' | 'AUDIT_ROW_CHANGED' | 'AUDIT_LINK_BROKEN' | 'AUDIT_ANCHOR_MISMATCH';

export type AuditVerification =
  | Readonly<{ ok: true; rows: number; lastSeq: number; lastHash: string }>
  | Readonly<{ ok: false; code: AuditChainProblem; seq: number; problem: string; verifiedRows: number }>;

export type VerifyOptions = Readonly<{ anchor?: AuditAnchor; pageSize?: number }>;

export async function verifyAuditChain(pool: Pool, options: VerifyOptions = {}): Promise<AuditVerification> {
  const { anchor, pageSize = 5000 } = options;
  let lastSeq = 0;
  let lastHash = genesisHash;
  const failure = (code: AuditChainProblem, seq: number, problem: string): AuditVerification => ({
    ok: false,
    code,
    seq,
    problem,
    verifiedRows: lastSeq,
  });

  for (;;) {
    const page = await readAuditPage(pool, lastSeq, pageSize);
    for (const row of page) {
      const expectedSeq = lastSeq + 1;
      if (row.seq !== expectedSeq) {
        return failure('AUDIT_ROW_MISSING', expectedSeq, `row ${expectedSeq} is missing (deleted)`);
      }
      if (row.prevHash !== lastHash) {
        return failure('AUDIT_LINK_BROKEN', row.seq, `row ${row.seq} does not follow row ${lastSeq}`);
      }
      const { prevHash: _prevHash, hash, ...record } = row;
      if (auditHash(lastHash, record) !== hash) {
        return failure('AUDIT_ROW_CHANGED', row.seq, `row ${row.seq} was changed after it was written`);
      }
      if (anchor && row.seq === anchor.seq && hash !== anchor.hash) {
        return failure(
          'AUDIT_ANCHOR_MISMATCH',
          row.seq,
          `row ${row.seq} no longer has the hash recorded earlier: the chain was rewritten up to here`,
        );
      }
      lastSeq = row.seq;
      lastHash = hash;
    }
    if (page.length < pageSize) break;
  }

  if (anchor && lastSeq < anchor.seq) {
    return failure(
      'AUDIT_ROW_MISSING',
      lastSeq + 1,
      `the trail ends at row ${lastSeq}, but row ${anchor.seq} was verified earlier: newer rows were deleted`,
    );
  }
  return { ok: true, rows: lastSeq, lastSeq, lastHash };
}
