// Filing a patient's messages to their record: once exported and filed, each message is marked filed in its archive
// record (so its sender is no longer asked to file it), and, if the clinician chooses, deleted from this desktop at
// once rather than at clientDays. Each step is written to the local audit (patientAuditLog.ts) after it is done.
// Only the messages named (those exported) are filed: one that arrived after the export was not in the document.
// A deleted message is gone whatever holds its room: the record now holds the filed copy.
import type { MessageArchive } from '../archive/messageArchive.ts';
import type { MessageRecord } from '../archive/messageRecord.ts';
import type { Clock } from '../platform.ts';
import type { PatientAuditLog } from './patientAuditLog.ts';

export type FilingOptions = Readonly<{ deleteLocally: boolean }>;

export type FilingOutcome = Readonly<{
  /** The records marked filed, as they now are (empty when they were deleted). */
  filed: readonly MessageRecord[];
  /** The messages deleted from this desktop. */
  deletedEventIds: readonly string[];
}>;

export type FilingDeps = Readonly<{
  archive: MessageArchive;
  audit: PatientAuditLog;
  clock: Clock;
  /** The clinician filing them. */
  by: string;
}>;

/** Files these messages about this patient (ten digits); others (not about them, deleted, not kept) are passed over. */
export async function fileToRecord(
  deps: FilingDeps,
  nhsNumber: string,
  eventIds: readonly string[],
  options: FilingOptions,
): Promise<FilingOutcome> {
  const filedAt = deps.clock.now();
  const about = (record: MessageRecord) =>
    record.patient?.nhsNumber === nhsNumber && record.deletedAt === null && record.content !== null;
  const amended = await deps.archive.amend(eventIds, (record) =>
    about(record) && record.patient ? { ...record, patient: { ...record.patient, filedAt } } : record,
  );
  const filed = amended.filter(about);
  await deps.audit.record({ action: 'filed', by: deps.by, nhsNumber, messageCount: filed.length });
  if (!options.deleteLocally || filed.length === 0) return { filed, deletedEventIds: [] };
  const deletedEventIds = filed.map((record) => record.eventId);
  await deps.archive.forget(deletedEventIds);
  await deps.audit.record({
    action: 'deleted-locally',
    by: deps.by,
    nhsNumber,
    messageCount: deletedEventIds.length,
  });
  return { filed: [], deletedEventIds };
}
