// Files whose download failed in a way that passes (no answer, a server error, a rate limit) are tried again while the
// session runs: after 30 s, then twice as long each time, six tries in all (about half an hour), then given up. A
// file that arrives is sealed into the archive beside its message's record, as at first receipt, and the message is
// shown with it. The attachment's key is held in this module's memory only, never written: after a restart the SDK
// brings the message again while the server still holds it, and the intake tries then.
import type { AttachmentSource } from '../attachments/attachmentSource.ts';
import type { MediaDownload } from '../attachments/mediaDownload.ts';
import { receiveAttachment } from '../attachments/receivedAttachment.ts';
import type { CoreLogger } from '../platform.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import { keptAttachment } from './archiveSyncBatch.ts';
import type { MessageArchive } from './messageArchive.ts';
import type { MessageRecord } from './messageRecord.ts';

export type RetryTimers = Readonly<{
  set: (run: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}>;

export type AttachmentRetryDeps = Readonly<{
  archive: MessageArchive;
  download: MediaDownload;
  logger: CoreLogger;
  /** The records whose files are now kept, for the store to show. */
  kept: (records: readonly MessageRecord[]) => void;
  timers?: RetryTimers;
  firstDelayMs?: number;
  tries?: number;
}>;

export interface AttachmentRetry {
  /** Tries this message's file again later (a second call for the same message is ignored). */
  later(message: ArchivedMessage, source: AttachmentSource): void;
  /** No more tries; one under way changes nothing. */
  stop(): void;
}

const defaultTimers: RetryTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

type Pending = { message: ArchivedMessage; source: AttachmentSource; tries: number; timer: unknown };

export function createAttachmentRetry(deps: AttachmentRetryDeps): AttachmentRetry {
  const timers = deps.timers ?? defaultTimers;
  const firstDelayMs = deps.firstDelayMs ?? 30_000;
  const tries = deps.tries ?? 6;
  const log = deps.logger.child('attachment-retry');
  const pending = new Map<string, Pending>();
  let stopped = false;
  // Read through a call: stop() may run while a try awaits, which flow analysis cannot see.
  const isStopped = () => stopped;

  function schedule(entry: Pending): void {
    entry.timer = timers.set(
      () => {
        void attempt(entry);
      },
      firstDelayMs * 2 ** entry.tries,
    );
  }

  async function attempt(entry: Pending): Promise<void> {
    if (isStopped()) return;
    entry.tries += 1;
    const eventId = entry.message.eventId;
    try {
      const received = await receiveAttachment(deps.download, entry.source);
      if (isStopped()) return;
      if (received.kept) {
        pending.delete(eventId);
        const { attachment, bytes } = keptAttachment(entry.source, received);
        const records = await deps.archive.keep(
          [{ ...entry.message, attachment }],
          [],
          new Map([[eventId, bytes]]),
        );
        if (!isStopped()) deps.kept(records);
        return;
      }
      if (received.passing && entry.tries < tries) {
        schedule(entry);
        return;
      }
      pending.delete(eventId);
      log.warn('an attachment could not be kept after trying again', {
        why: received.why,
        tries: entry.tries,
      });
    } catch (error) {
      // The archive closed under it (the session ended), or the file broke in a way no answer explains.
      pending.delete(eventId);
      if (!isStopped())
        log.warn('an attachment could not be kept', {
          error: error instanceof Error ? error.name : 'unknown',
        });
    }
  }

  return {
    later: (message, source) => {
      if (stopped || pending.has(message.eventId)) return;
      const entry: Pending = { message, source, tries: 0, timer: undefined };
      pending.set(message.eventId, entry);
      schedule(entry);
    },
    stop: () => {
      stopped = true;
      for (const entry of pending.values()) timers.clear(entry.timer);
      pending.clear();
    },
  };
}
