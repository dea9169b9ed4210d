// Subject access: every message this desktop's archive holds about one patient, found by the NHS number its
// encrypted content carried (patientTag.ts), as it now reads (its sender's latest edit), newest first. Deleted
// (redacted) messages are never found: a redaction erases the tag with the text. It reads only the archive, so it
// works with no server; the archive is a scan of its decrypted records (no index of patients is kept on disk).
import type { MessageArchive } from '../archive/messageArchive.ts';
import type { MessageRecord } from '../archive/messageRecord.ts';
import { currentContent, latestEdit } from '../archive/messageRecordView.ts';
import { normalisedNhsNumber } from './patientTag.ts';

/** One message about a patient, as plain data for the views and for the export. */
export type PatientMessage = Readonly<{
  eventId: string;
  roomId: string;
  /** The room's name when this desktop knows it (the store's rooms), else null: the archive keeps no names. */
  roomName: string | null;
  sender: string;
  sentAt: number;
  /** When the text shown was edited by its sender; null if never. */
  editedAt: number | null;
  msgtype: string | null;
  text: string;
  nhsNumber: string;
  filedAt: number | null;
}>;

export type RoomNames = (roomId: string) => string | undefined;

/** The records' messages about this patient (ten digits, already checked), newest first. */
export function patientMessagesIn(
  records: readonly MessageRecord[],
  nhsNumber: string,
  roomName: RoomNames = () => undefined,
): PatientMessage[] {
  const found: PatientMessage[] = [];
  for (const record of records) {
    const content = currentContent(record);
    if (record.patient?.nhsNumber !== nhsNumber || record.sender === null || content === null) continue;
    if (record.deletedAt !== null) continue;
    found.push({
      eventId: record.eventId,
      roomId: record.roomId,
      roomName: roomName(record.roomId) ?? null,
      sender: record.sender,
      sentAt: record.sentAt,
      editedAt: latestEdit(record)?.sentAt ?? null,
      msgtype: content.msgtype,
      text: content.body,
      nhsNumber,
      filedAt: record.patient.filedAt,
    });
  }
  return found.sort((a, b) => b.sentAt - a.sentAt || b.eventId.localeCompare(a.eventId));
}

/**
 * Every message in the archive about the patient with this NHS number (typed as a clinician may type it), newest
 * first; throws InvalidNhsNumberError for a number that fails the Modulus 11 check.
 */
export async function messagesAboutPatient(
  archive: MessageArchive,
  nhsNumber: string,
  roomName?: RoomNames,
): Promise<PatientMessage[]> {
  const digits = normalisedNhsNumber(nhsNumber);
  return patientMessagesIn(await archive.allRecords(), digits, roomName);
}
