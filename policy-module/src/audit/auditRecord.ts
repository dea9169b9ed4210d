// One audit row and its hash. The hash covers the previous row's hash and every field of this one in canonical
// JSON, so changing, inserting or deleting any row breaks the chain from there on. Text is hashed as stored (see
// storableAuditEntry.ts), so a row read back hashes to what was written.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../trustDirectory/canonicalJson.ts';

export const genesisHash = '0'.repeat(64);

export type AuditRecord = Readonly<{
  seq: number;
  at: string;
  actor: string | null;
  device: string | null;
  action: string;
  room: string | null;
  result: string;
  detail: Readonly<Record<string, string | number | boolean | null>>;
}>;

export function auditHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(record)}`)
    .digest('hex');
}
