// An archive in memory holding patient-tagged messages, for the patient/ unit tests.
import type { ArchivedMessage } from '../archive/archivedMessage.ts';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { createMemoryArchiveStorage } from '../archive/memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from '../archive/messageArchive.ts';
import { manualClock, recordingLogger } from '../platform.testkit.ts';
import { openPatientAuditLog } from './patientAuditLog.ts';

export const edith = '9434765919';
export const arthur = '4010232137';
export const ward = '!ward:trust-a.example';
export const amelia = '@amelia:trust-a.example';
export const bob = '@bob:trust-b.example';
export const noon = Date.UTC(2026, 10, 28, 12);
export const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

export function taggedMessage(
  eventId: string,
  sentAt: number,
  nhsNumber: string | undefined,
  change: Partial<ArchivedMessage> = {},
): ArchivedMessage {
  return {
    eventId,
    roomId: ward,
    sender: amelia,
    sentAt,
    msgtype: 'm.text',
    body: `About the patient (${eventId})`,
    encrypted: true,
    ...(nhsNumber === undefined ? {} : { patientNhsNumber: nhsNumber }),
    ...change,
  };
}

export async function patientArchive() {
  const storage = createMemoryArchiveStorage();
  const cipher = await createArchiveCipher(randomBytes(32), randomBytes);
  const logger = recordingLogger();
  const clock = manualClock(noon);
  const archive = await openMessageArchive({ storage, cipher, logger });
  const audit = openPatientAuditLog({ storage, cipher, clock, randomBytes, logger });
  return { storage, cipher, logger, clock, archive, audit };
}
