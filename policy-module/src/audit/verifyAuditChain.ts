// Walks the whole audit trail in seq order and reports every row that is not what was written: a row outside the
// chain (numbered below 1, where a walk from row 1 would never look), a changed field, a broken link, or missing
// rows (a gap in the sequence, or the first row not starting the chain). Given an anchor (a seq and hash kept from
// an earlier verification, outside the database), it also catches the newest rows being cut off or the chain
// being rewritten from the start, which the chain alone cannot show.
//
// The walk goes on past a problem, so one planted or deleted row cannot hide a change further on. The table's
// insert trigger (auditSchema.ts) admits only the next link, so any finding here means someone with the owner's
// or a superuser's rights went behind the log.
import type { Pool } from 'pg';
import { auditHash, genesisHash, type AuditRecord } from './auditRecord.ts';
import { readAuditPage, readRowsOutsideChain } from './readAuditRows.ts';

export type AuditAnchor = Readonly<{ seq: number; hash: string }>;

export type AuditChainProblem =
  | 'AUDIT_ROW_OUTSIDE_CHAIN'
  | 'AUDIT_ROW_MISSING'
  | 'AUDIT_ROW_CHANGED'
  | 'AUDIT_LINK_BROKEN'
  | 'AUDIT_ANCHOR_MISMATCH';

export type AuditChainFinding = Readonly<{ code: AuditChainProblem; seq: number; problem: string }>;

export type AuditVerification =
  | Readonly<{ ok: true; rows: number; lastSeq: number; lastHash: string }>
  | Readonly<{
      ok: false;
      /** The first finding's code, seq and problem, in seq order. */
      code: AuditChainProblem;
      seq: number;
      problem: string;
      /** Rows from the start of the chain that verified before the first finding (0 if it is outside the chain). */
      verifiedRows: number;
      /** Every finding in seq order, up to maxFindings. */
      findings: readonly AuditChainFinding[];
      /** How many findings there were in all, including those past maxFindings. */
      findingCount: number;
    }>;

export type VerifyOptions = Readonly<{ anchor?: AuditAnchor; pageSize?: number; maxFindings?: number }>;

/** The row's own hash, or undefined when a field holds a value no appender writes (canonicalJson refuses it). */
function hashOf(prevHash: string, record: AuditRecord): string | undefined {
  try {
    return auditHash(prevHash, record);
  } catch {
    return undefined;
  }
}

export async function verifyAuditChain(pool: Pool, options: VerifyOptions = {}): Promise<AuditVerification> {
  const { anchor, pageSize = 5000, maxFindings = 100 } = options;
  const findings: AuditChainFinding[] = [];
  let findingCount = 0;
  let verifiedRows: number | undefined;
  let lastSeq = 0;
  let lastHash = genesisHash;
  const report = (code: AuditChainProblem, seq: number, problem: string): void => {
    verifiedRows ??= lastSeq;
    findingCount += 1;
    if (findings.length < maxFindings) findings.push({ code, seq, problem });
  };

  const outside = await readRowsOutsideChain(pool, maxFindings);
  for (const seq of outside.seqs) {
    report(
      'AUDIT_ROW_OUTSIDE_CHAIN',
      Number(seq),
      `row ${seq} is outside the chain (rows are numbered 1 to ${Number.MAX_SAFE_INTEGER}): it was inserted behind the log`,
    );
  }
  findingCount += outside.count - outside.seqs.length;

  for (;;) {
    const page = await readAuditPage(pool, lastSeq, pageSize);
    for (const row of page) {
      const expectedSeq = lastSeq + 1;
      if (row.seq !== expectedSeq) {
        // Its predecessor is gone, so its link cannot be checked; its own hash and everything after it can.
        report(
          'AUDIT_ROW_MISSING',
          expectedSeq,
          row.seq === expectedSeq + 1
            ? `row ${expectedSeq} is missing (deleted)`
            : `rows ${expectedSeq} to ${row.seq - 1} are missing (deleted)`,
        );
      } else if (row.prevHash !== lastHash) {
        report('AUDIT_LINK_BROKEN', row.seq, `row ${row.seq} does not follow row ${lastSeq}`);
      }
      const { prevHash, hash, ...record } = row;
      const computed = hashOf(prevHash, record);
      if (computed === undefined) {
        report('AUDIT_ROW_CHANGED', row.seq, `row ${row.seq} holds a value no appender writes`);
      } else if (computed !== hash) {
        report('AUDIT_ROW_CHANGED', row.seq, `row ${row.seq} was changed after it was written`);
      }
      if (anchor && row.seq === anchor.seq && hash !== anchor.hash) {
        report(
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
    report(
      'AUDIT_ROW_MISSING',
      lastSeq + 1,
      `the trail ends at row ${lastSeq}, but row ${anchor.seq} was verified earlier: newer rows were deleted`,
    );
  }
  const [first] = findings;
  if (!first) return { ok: true, rows: lastSeq, lastSeq, lastHash };
  return {
    ok: false,
    code: first.code,
    seq: first.seq,
    problem: first.problem,
    verifiedRows: verifiedRows ?? lastSeq,
    findings,
    findingCount,
  };
}
