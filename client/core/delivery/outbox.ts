// Where written messages wait, on the desktop: each one a record in the archive's storage, sealed with the archive's
// cipher (the same authenticated encryption and key as the archive), so a message written offline is on disk only
// as ciphertext and survives a restart. Record names are `o.<keyed tag of the transaction id>`. A record that does
// not open (damaged, or sealed with another key) is reported and left alone, never guessed at.
import type { ArchiveCipher } from '../archive/archiveCipher.ts';
import type { ArchiveStorage } from '../archive/archiveStorage.ts';
import type { CoreLogger } from '../platform.ts';
import type { OutgoingMessage } from './outgoingMessage.ts';

const outboxPrefix = 'o.';

export interface Outbox {
  /** Every message kept, oldest written first. */
  all(): Promise<OutgoingMessage[]>;
  /** Keeps this message as it is now, replacing what was kept under its transaction id. */
  put(message: OutgoingMessage): Promise<void>;
  remove(txnId: string): Promise<void>;
}

export function openOutbox(
  deps: Readonly<{ storage: ArchiveStorage; cipher: ArchiveCipher; logger: CoreLogger }>,
): Outbox {
  const { storage, cipher } = deps;
  const log = deps.logger.child('outbox');
  const recordName = async (txnId: string) => `${outboxPrefix}${await cipher.tag(`outbox ${txnId}`)}`;

  async function readRecord(name: string): Promise<OutgoingMessage | undefined> {
    const sealed = await storage.read(name);
    if (sealed === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(await cipher.open(name, sealed))) as OutgoingMessage;
    } catch {
      log.error('an outbox record could not be opened; it is kept as it is', { record: name });
      return undefined;
    }
  }

  return {
    all: async () => {
      const names = (await storage.list()).filter((name) => name.startsWith(outboxPrefix));
      const messages: OutgoingMessage[] = [];
      for (const name of names) {
        const message = await readRecord(name);
        if (message) messages.push(message);
      }
      return messages.sort((a, b) => a.writtenAt - b.writtenAt || a.txnId.localeCompare(b.txnId));
    },
    put: async (message) => {
      const name = await recordName(message.txnId);
      await storage.write(name, await cipher.seal(name, new TextEncoder().encode(JSON.stringify(message))));
    },
    remove: async (txnId) => {
      await storage.delete([await recordName(txnId)]);
    },
  };
}
