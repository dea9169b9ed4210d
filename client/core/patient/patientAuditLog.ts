// The local audit of what this desktop did with patients' messages: each export, each filing to the record, each
// local deletion after filing. Kept sealed like the archive (same key and storage, one record per entry under a
// random name `pa.<22 characters>`) and holding no content: what was done, when, by whom, to how many messages,
// and which patient only as a keyed tag (HMAC-SHA-256 under the archive's naming key). Not a plain hash: NHS
// numbers are few enough (under a billion: nine digits and a check digit) that anyone could hash them all and read
// a plain hash back. With the archive key, the tag of a known number finds its entries (entriesFor). No event ids
// either: they would tie this log to the server's metadata, and the exported document (filed in the record) lists
// them. Entries are append-only and stay until the clinician's data is wiped (the archive's storage goes whole);
// the expiry sweep reads message records only and leaves them.
import type { ArchiveCipher } from '../archive/archiveCipher.ts';
import { ArchiveRecordUnreadableError } from '../archive/archiveCipher.ts';
import type { ArchiveStorage } from '../archive/archiveStorage.ts';
import type { Clock, CoreLogger } from '../platform.ts';

export type PatientAuditAction = 'exported' | 'filed' | 'deleted-locally';

export type PatientAuditEntry = Readonly<{
  action: PatientAuditAction;
  at: number;
  /** The clinician whose session did it. */
  by: string;
  /** The patient, as a keyed tag of the NHS number (never the number). */
  patientTag: string;
  messageCount: number;
}>;

export interface PatientAuditLog {
  record(
    entry: Readonly<{ action: PatientAuditAction; by: string; nhsNumber: string; messageCount: number }>,
  ): Promise<PatientAuditEntry>;
  /** Every entry, oldest first. */
  entries(): Promise<readonly PatientAuditEntry[]>;
  /** The entries about this patient (ten digits), oldest first. */
  entriesFor(nhsNumber: string): Promise<readonly PatientAuditEntry[]>;
}

const namePrefix = 'pa.';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const actions: readonly string[] = ['exported', 'filed', 'deleted-locally'];

function isEntry(value: unknown): value is PatientAuditEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.action === 'string' &&
    actions.includes(entry.action) &&
    typeof entry.at === 'number' &&
    typeof entry.by === 'string' &&
    typeof entry.patientTag === 'string' &&
    typeof entry.messageCount === 'number'
  );
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function openPatientAuditLog(
  deps: Readonly<{
    storage: ArchiveStorage;
    cipher: ArchiveCipher;
    clock: Clock;
    randomBytes: (length: number) => Uint8Array;
    logger: CoreLogger;
  }>,
): PatientAuditLog {
  const { storage, cipher } = deps;
  const log = deps.logger.child('patient-audit');
  const patientTag = (nhsNumber: string) => cipher.tag(`patient:${nhsNumber}`);

  async function entries(): Promise<PatientAuditEntry[]> {
    const found: PatientAuditEntry[] = [];
    for (const name of await storage.list()) {
      if (!name.startsWith(namePrefix)) continue;
      const sealed = await storage.read(name);
      if (sealed === undefined) continue;
      try {
        const value: unknown = JSON.parse(decoder.decode(await cipher.open(name, sealed)));
        if (isEntry(value)) {
          found.push(value);
          continue;
        }
      } catch (error) {
        if (!(error instanceof ArchiveRecordUnreadableError) && !(error instanceof SyntaxError)) throw error;
      }
      // Kept, not deleted: an audit entry that fails to open is evidence of tampering, for someone to look at.
      log.warn('a patient audit entry could not be read');
    }
    return found.sort((a, b) => a.at - b.at);
  }

  return {
    record: async ({ action, by, nhsNumber, messageCount }) => {
      const entry: PatientAuditEntry = {
        action,
        at: deps.clock.now(),
        by,
        patientTag: await patientTag(nhsNumber),
        messageCount,
      };
      const name = `${namePrefix}${base64url(deps.randomBytes(16))}`;
      await storage.write(name, await cipher.seal(name, encoder.encode(JSON.stringify(entry))));
      return entry;
    },
    entries,
    entriesFor: async (nhsNumber) => {
      const tag = await patientTag(nhsNumber);
      return (await entries()).filter((entry) => entry.patientTag === tag);
    },
  };
}
