// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL). A device
// that a compromised homeserver adds to a clinician's account (here: a sign-in at trust-b's internal Synapse
// listener, which the gateway never sees, so no enrolment vouches for it) is not signed by the clinician's
// cross-signing identity; the client cores, in OnlySignedDevicesIsolationMode, withhold room keys from it.
import type { MatrixClient, MatrixEvent } from 'matrix-js-sdk';
import { DecryptionFailureCode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import { eventually, sharedRoom, signedInDesktop, type StaffAccount } from './bleepDesktop.testkit.ts';
import { rogueDevice } from './rogueDevice.testkit.ts';

type Desktop = { core: BleepSession; account: StaffAccount };

function messageAt(client: MatrixClient, roomId: string, eventId: string): MatrixEvent | undefined {
  return client.getRoom(roomId)?.findEventById(eventId);
}

describe("a device the homeserver adds to a clinician's account", () => {
  let consultant: Desktop;
  let surgeon: Desktop;
  let rogue: MatrixClient;
  let roomId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    const trustB = trustNamed(stack, 'trust-b');
    consultant = await signedInDesktop(trustNamed(stack, 'trust-a'), 'renal-consultant');
    surgeon = await signedInDesktop(trustB, 'transplant-surgeon');
    roomId = await sharedRoom(consultant.core, surgeon.core, surgeon.account.userId, 'Referral: transplant');
    rogue = await rogueDevice(trustB, surgeon.account);
  });

  afterAll(() => {
    rogue.stopClient();
    consultant.core.stop();
    surgeon.core.stop();
  });

  it('receives no room keys: senders at both trusts tell it the key is withheld, while the enrolled desktop reads', async () => {
    // Until a sender has fetched the clinician's new device list, the rogue device is simply unknown to it; keep
    // sending until each sender has seen the device and told it "withheld: unverified device", which proves the
    // refusal rather than a race.
    const sent: { eventId: string; body: string; sender: Desktop }[] = [];
    const withheldFrom = new Set<Desktop>();
    for (let index = 0; index < 10 && withheldFrom.size < 2; index++) {
      const sender = index % 2 === 0 ? consultant : surgeon;
      const body = `Crossmatch result ${index + 1}`;
      sent.push({ eventId: await sender.core.rooms.sendText(roomId, body), body, sender });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      for (const message of sent) {
        const reason = messageAt(rogue, roomId, message.eventId)?.decryptionFailureReason;
        if (reason === DecryptionFailureCode.MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE)
          withheldFrom.add(message.sender);
      }
    }
    // Both the partner trust's clinician and the clinician's own enrolled desktop saw the device and refused it.
    expect(withheldFrom).toEqual(new Set([consultant, surgeon]));

    for (const { eventId, body } of sent) {
      // The rogue device never decrypts any of them...
      const atRogue = await eventually('the message to reach the rogue device', () =>
        messageAt(rogue, roomId, eventId),
      );
      expect(atRogue.isDecryptionFailure()).toBe(true);
      expect(atRogue.getContent().body).not.toBe(body);
      // ...and the clinician's enrolled desktop decrypts every one.
      await eventually(`"${body}" to decrypt on the enrolled desktop`, () =>
        selectMessages(roomId)(surgeon.core.store.getState()).find(
          (item) => item.id === eventId && item.decryption === 'decrypted' && item.body === body,
        ),
      );
    }
  });
});
