// Erases a clinician's data from this desktop when their session ends: the clinician signs out, or the server signs
// the device out for good (trust IT revoked the desktop, the account was deactivated, or the server ended the
// session, as it does when an expiry report shows content past the limit). The keys go first (the archive key and
// the crypto store's key), so what follows is unreadable even if a later step fails or the disk keeps old blocks;
// then the session, the archive and the crypto store. A revoked desktop's device credential goes too: it opens
// nothing any more. Every step is tried whatever the others do, and the record says what was and was not erased.
import { deleteCryptoStore } from '../crypto/cryptoStoreDeletion.ts';
import type { BleepClientError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';

export type WipeReason = 'signed-out' | 'signed-out-by-server' | 'device-revoked' | 'account-deactivated';

export type WipedItem =
  | 'archive-key'
  | 'crypto-storage-key'
  | 'session'
  | 'screen-lock-pin'
  | 'desktop-enrolment'
  | 'archive'
  | 'crypto-store';

export type WipeRecord = Readonly<{
  reason: WipeReason;
  wipedAt: number;
  erased: readonly WipedItem[];
  /** What could not be erased (logged too); empty when the wipe is complete. */
  failed: readonly WipedItem[];
}>;

/** Why the server's end of a session wipes this desktop. */
export function wipeReasonFor(error: BleepClientError): WipeReason {
  switch (error.code) {
    case 'device-not-enrolled':
      return 'device-revoked';
    case 'account-deactivated':
      return 'account-deactivated';
    default:
      return 'signed-out-by-server';
  }
}

export async function wipeClinicianData(
  platform: Pick<Platform, 'secrets' | 'archive' | 'clock' | 'logger'>,
  identity: Readonly<{ userId: string; deviceId: string }> | undefined,
  reason: WipeReason,
): Promise<WipeRecord> {
  const log = platform.logger.child('wipe');
  const steps: (readonly [WipedItem, () => Promise<void>])[] = [
    ['archive-key', () => platform.secrets.delete('archive-key')],
    ['crypto-storage-key', () => platform.secrets.delete('crypto-storage-key')],
    ['session', () => platform.secrets.delete('session')],
    // The next clinician to sign in here sets their own PIN.
    ['screen-lock-pin', () => platform.secrets.delete('screen-lock-pin')],
  ];
  if (reason === 'device-revoked') {
    steps.push(['desktop-enrolment', () => platform.secrets.delete('desktop-enrolment')]);
  }
  steps.push(['archive', () => platform.archive.destroy()]);
  if (identity) steps.push(['crypto-store', () => deleteCryptoStore(identity, platform.logger)]);

  const erased: WipedItem[] = [];
  const failed: WipedItem[] = [];
  for (const [item, erase] of steps) {
    try {
      await erase();
      erased.push(item);
    } catch (error) {
      failed.push(item);
      log.error('could not erase part of the clinician data', {
        item,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  log.warn('erased the clinician data from this desktop', { reason, erased, failed });
  return { reason, wipedAt: platform.clock.now(), erased, failed };
}
