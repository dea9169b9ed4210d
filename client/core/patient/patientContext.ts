// What a clinician does with patient context, wired to the session: send a message tagged with a patient (through
// the delivery queue, so only encrypted: crypto/sendSafety.ts), find every archived message about a patient
// (subject access, no server needed), export them for filing, file them (and delete them here), and read the local
// audit of it. The archive is the signed-in session's when one runs, else the one kept on disk (withArchive).
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { keptArchiveKey } from '../archive/archiveKey.ts';
import type { MessageArchive } from '../archive/messageArchive.ts';
import { timelineItemForRecord } from '../archive/messageRecordView.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import type { OutgoingMessage } from '../delivery/outgoingMessage.ts';
import type { Platform } from '../platform.ts';
import type { BleepStore } from '../stores/bleepStore.ts';
import type { TimelineChange } from '../stores/timelineSlice.ts';
import { openPatientAuditLog, type PatientAuditEntry, type PatientAuditLog } from './patientAuditLog.ts';
import { patientExport, patientExportHtml, patientExportJson, type PatientExport } from './patientExport.ts';
import { fileToRecord, type FilingOptions, type FilingOutcome } from './patientFiling.ts';
import { messagesAboutPatient, type PatientMessage } from './patientMessages.ts';
import { normalisedNhsNumber, patientTaggedContent } from './patientTag.ts';

export type PatientExportFiles = Readonly<{
  document: PatientExport;
  json: string;
  html: string;
  /** The messages exported: the ones to file once the document is in the record. */
  eventIds: readonly string[];
}>;

export interface PatientContext {
  /** Queues a text message tagged with this patient; throws InvalidNhsNumberError (nothing queued) for a bad number. */
  send(roomId: string, body: string, nhsNumber: string): Promise<OutgoingMessage>;
  /** Every archived message about the patient, newest first (subject access); asks no server. */
  messagesAbout(nhsNumber: string): Promise<readonly PatientMessage[]>;
  /** The patient's messages as JSON and printable HTML, for filing; audited. */
  exportForFiling(nhsNumber: string): Promise<PatientExportFiles>;
  /** Marks exported messages filed and, if asked, deletes them from this desktop; audited. */
  file(nhsNumber: string, eventIds: readonly string[], options: FilingOptions): Promise<FilingOutcome>;
  /** The local audit of exports, filings and deletions (of one patient when a number is given), oldest first. */
  audit(nhsNumber?: string): Promise<readonly PatientAuditEntry[]>;
}

export type PatientContextDeps = Readonly<{
  platform: Pick<Platform, 'secrets' | 'archive' | 'clock' | 'randomBytes' | 'logger'>;
  store: BleepStore;
  delivery: () => DeliveryQueue;
  /** The clinician whose data this desktop holds (signed in, or kept while offline or expired), for the audit. */
  clinician: () => Promise<string | undefined>;
  /** Runs work over the open archive, or the one kept on disk; undefined when this desktop has none. */
  withArchive: <T>(work: (archive: MessageArchive) => Promise<T>) => Promise<T | undefined>;
}>;

export function createPatientContext(deps: PatientContextDeps): PatientContext {
  const { platform, store } = deps;
  const roomName = (roomId: string) => store.getState().rooms.byId[roomId]?.name;
  /** Who is acting: only the clinician whose data this is can open it here (the archive key is theirs). */
  const actingClinician = async () => (await deps.clinician()) ?? 'unknown';

  async function auditLog(): Promise<PatientAuditLog | undefined> {
    const key = await keptArchiveKey(platform);
    if (key === undefined) return undefined;
    return openPatientAuditLog({
      storage: platform.archive,
      cipher: await createArchiveCipher(key, platform.randomBytes),
      clock: platform.clock,
      randomBytes: platform.randomBytes,
      logger: platform.logger,
    });
  }

  async function messagesAbout(nhsNumber: string): Promise<readonly PatientMessage[]> {
    const digits = normalisedNhsNumber(nhsNumber);
    return (await deps.withArchive((archive) => messagesAboutPatient(archive, digits, roomName))) ?? [];
  }

  return {
    send: async (roomId, body, nhsNumber) => {
      // The content is made (and the number checked) before anything is queued; a bad number rejects, never throws.
      const content = patientTaggedContent(body, nhsNumber);
      const queued = await deps.delivery().write(roomId, 'm.room.message', content);
      return queued;
    },

    messagesAbout,

    exportForFiling: async (nhsNumber) => {
      const digits = normalisedNhsNumber(nhsNumber);
      const messages = await messagesAbout(digits);
      const by = await actingClinician();
      const document = patientExport(messages, {
        nhsNumber: digits,
        exportedAt: platform.clock.now(),
        exportedBy: by,
      });
      const audit = await auditLog();
      await audit?.record({ action: 'exported', by, nhsNumber: digits, messageCount: messages.length });
      return {
        document,
        json: patientExportJson(document),
        html: patientExportHtml(document),
        eventIds: messages.map((message) => message.eventId),
      };
    },

    file: async (nhsNumber, eventIds, options) => {
      const digits = normalisedNhsNumber(nhsNumber);
      const audit = await auditLog();
      const by = await actingClinician();
      const outcome =
        audit &&
        (await deps.withArchive((archive) =>
          fileToRecord({ archive, audit, clock: platform.clock, by }, digits, eventIds, options),
        ));
      if (!outcome) return { filed: [], deletedEventIds: [] };
      const ownUserId = store.getState().session.userId ?? '';
      const timeline: TimelineChange[] = [
        ...outcome.filed.flatMap((record) => {
          const item = timelineItemForRecord(record, ownUserId);
          return item ? [{ change: 'upsert' as const, item }] : [];
        }),
        ...outcome.deletedEventIds.flatMap((id) => {
          const roomId = Object.values(store.getState().timeline.byRoom)
            .flat()
            .find((item) => item.id === id)?.roomId;
          return roomId === undefined ? [] : [{ change: 'remove' as const, roomId, id }];
        }),
      ];
      if (timeline.length > 0) store.getState().applySyncBatch({ rooms: [], removedRooms: [], timeline });
      return outcome;
    },

    audit: async (nhsNumber) => {
      const log = await auditLog();
      if (!log) return [];
      return nhsNumber === undefined ? log.entries() : log.entriesFor(normalisedNhsNumber(nhsNumber));
    },
  };
}
