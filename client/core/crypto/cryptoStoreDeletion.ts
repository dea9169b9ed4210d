// Deletes a device's rust crypto store (its IndexedDB databases, named per clinician and device) without a running
// client: at a wipe, the session that used it is already stopped, or never started in this process (a revoked
// desktop found at restore). matrix-js-sdk knows the databases' names; a bare client that makes no request asks it
// to delete them. A deletion that stays blocked (a connection still open) gives up after a while and says so.
import { createClient } from 'matrix-js-sdk';
import type { CoreLogger } from '../platform.ts';
import { sdkLogger } from '../session/sdkLogger.ts';
import { cryptoDatabasePrefix } from './sessionCrypto.ts';

// Short: the store's key is erased before this runs, so a store left behind is unreadable; the clinician waits on it.
const deletionTimeoutMs = 5_000;

export class CryptoStoreDeletionTimeoutError extends Error {
  override readonly name = 'CryptoStoreDeletionTimeoutError';
  constructor() {
    super('the crypto store could not be deleted: a connection to it is still open');
  }
}

export async function deleteCryptoStore(
  identity: Readonly<{ userId: string; deviceId: string }>,
  logger: CoreLogger,
): Promise<void> {
  // Without IndexedDB rust crypto kept its state in memory, which went with the session.
  if (!('indexedDB' in globalThis)) return;
  const client = createClient({
    baseUrl: 'https://crypto-store-deletion.invalid',
    logger: sdkLogger(logger.child('matrix-js-sdk')),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.clearStores({ cryptoDatabasePrefix: cryptoDatabasePrefix(identity.userId, identity.deviceId) }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new CryptoStoreDeletionTimeoutError());
        }, deletionTimeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
