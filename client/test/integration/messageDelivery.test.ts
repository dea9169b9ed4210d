// Needs the real local stack: trust-a and trust-b. Delivery you can trust, judged by what the homeserver holds and
// what the other trust's core decrypts: messages written while the desktop is offline are kept, sent once it is back
// and arrive once, in order; a message whose send a crash cut short (the server had stored it, the answer never
// came) is sent again after the restart with its own transaction id and stored once; the sender sees it delivered
// when the recipient has read it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { OutgoingMessage } from '../../core/delivery/outgoingMessage.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import {
  eventually,
  signedInDesktop,
  startCore,
  type DesktopFiles,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';

type Desktop = { core: BleepSession; account: StaffAccount; files: DesktopFiles };

/** The bodies the core shows decrypted in a room, in timeline order. */
function decryptedBodies(core: BleepSession, roomId: string): string[] {
  return selectMessages(roomId)(core.store.getState())
    .filter((item) => item.decryption === 'decrypted')
    .map((item) => item.body ?? '');
}

function deliveryOf(core: BleepSession, txnId: string): OutgoingMessage | undefined {
  return core.store.getState().delivery.messages[txnId];
}

/** Encrypted messages the homeserver holds from this sender in this room, by SQL on Synapse's database. */
async function heldFrom(trust: RunningTrust, roomId: string, sender: string): Promise<number> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM events WHERE room_id = $1 AND sender = $2 AND type = 'm.room.encrypted'`,
      [roomId, sender],
    );
    return Number(rows[0]?.count);
  } finally {
    await client.end();
  }
}

describe('delivery you can trust, between two client cores at two trusts', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  let offline = false;
  /** When set, an encrypted send reaches the server and then its answer never comes (the desktop "crashes"). */
  let swallowSends = false;
  let nurse: Desktop;
  let registrar: Desktop;
  let roomId: string;

  const nurseFetch: typeof fetch = async (input, init) => {
    if (offline) throw new TypeError('fetch failed');
    const url = input instanceof Request ? input.url : String(input);
    if (swallowSends && /\/send\/m\.room\.encrypted\//.test(url)) {
      await fetch(input, init);
      return new Promise<Response>(() => undefined);
    }
    return fetch(input, init);
  };

  beforeAll(async () => {
    nurse = await signedInDesktop(trustA, 'ward-nurse', { fetch: nurseFetch });
    registrar = await signedInDesktop(trustNamed(stack, 'trust-b'), 'medical-registrar');
    roomId = await nurse.core.rooms.openRoom({ name: 'Ward 7 handover', invite: [registrar.account.userId] });
    await eventually('the invitation at trust B', () =>
      registrar.core.store.getState().rooms.byId[roomId] === undefined ? undefined : true,
    );
    await registrar.core.rooms.join(roomId);
    await eventually('trust A to see the registrar join', () =>
      selectRoom(roomId)(nurse.core.store.getState())?.joinedMembers === 2 ? true : undefined,
    );
  });

  afterAll(() => {
    nurse.core.stop();
    registrar.core.stop();
  });

  it('keeps what is written offline, and sends it once, in order, when the desktop is back', async () => {
    const before = await heldFrom(trustA, roomId, nurse.account.userId);
    offline = true;
    const first = await nurse.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Bed 3 obs stable overnight',
    });
    const second = await nurse.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Bed 5 needs a review before noon',
    });
    await eventually('the first attempt to fail for want of a network', () =>
      deliveryOf(nurse.core, first.txnId)?.problem === 'server-down' ? true : undefined,
    );
    expect(deliveryOf(nurse.core, second.txnId)?.status).toBe('queued');
    expect(await heldFrom(trustA, roomId, nurse.account.userId)).toBe(before);

    offline = false;
    await eventually(
      'both messages at trust B',
      () => (decryptedBodies(registrar.core, roomId).length >= 2 ? true : undefined),
      120_000,
    );
    expect(decryptedBodies(registrar.core, roomId)).toEqual([
      'Bed 3 obs stable overnight',
      'Bed 5 needs a review before noon',
    ]);
    expect(deliveryOf(nurse.core, first.txnId)?.status).toBe('sent');
    expect(await heldFrom(trustA, roomId, nurse.account.userId)).toBe(before + 2);
  });

  it('sends again after a restart what a crash cut short, and the server stores it once', async () => {
    const before = await heldFrom(trustA, roomId, nurse.account.userId);
    swallowSends = true;
    const written = await nurse.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Bed 9 family meeting at 3pm',
    });
    // The server has it; the desktop never heard so.
    const deadline = Date.now() + 60_000;
    while ((await heldFrom(trustA, roomId, nurse.account.userId)) !== before + 1) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the server to hold the message');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(deliveryOf(nurse.core, written.txnId)?.status).toBe('sending');
    nurse.core.stop();

    swallowSends = false;
    nurse.core = await startCore(nurse.files, { fetch: nurseFetch });
    expect(await nurse.core.restore()).toBe('restored');
    const resent = await eventually('the restarted desktop to see it sent', () => {
      const message = deliveryOf(nurse.core, written.txnId);
      return message?.status === 'sent' ? message : undefined;
    });
    // At least the one the crash cut short and the one after the restart (rust crypto may ask for one more while
    // it configures the room); however many, the server stores the message once.
    expect(resent.attempts).toBeGreaterThanOrEqual(2);
    await eventually('the message at trust B', () =>
      decryptedBodies(registrar.core, roomId).includes('Bed 9 family meeting at 3pm') ? true : undefined,
    );
    expect(await heldFrom(trustA, roomId, nurse.account.userId)).toBe(before + 1);
    expect(
      decryptedBodies(registrar.core, roomId).filter((body) => body === 'Bed 9 family meeting at 3pm'),
    ).toHaveLength(1);
  });

  it('shows a message delivered once the recipient has read it', async () => {
    const written = await nurse.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Please confirm you have the bloods',
    });
    const sent = await eventually('the message to be sent', () => {
      const message = deliveryOf(nurse.core, written.txnId);
      return message?.status === 'sent' ? message : undefined;
    });
    await eventually('the message at trust B', () =>
      decryptedBodies(registrar.core, roomId).includes('Please confirm you have the bloods')
        ? true
        : undefined,
    );
    expect(deliveryOf(nurse.core, written.txnId)?.status).toBe('sent');

    await registrar.core.rooms.markRead(roomId, sent.eventId ?? '');

    await eventually('the nurse to see it delivered', () =>
      deliveryOf(nurse.core, written.txnId)?.status === 'delivered' ? true : undefined,
    );
  });
});
