// Needs the real local stack: trust-a and trust-b (chroot Synapse, PostgreSQL), federating over TLS on loopback.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  eventually,
  findDecryptedText,
  openReferralRoom,
  signInNewClinician,
  type Clinician,
} from './clinicianClient.ts';
import { trustNamed } from './stackInfo.ts';

describe('an encrypted referral room between two trusts', () => {
  let consultant: Clinician;
  let surgeon: Clinician;

  beforeAll(async () => {
    const stack = inject('stack');
    consultant = await signInNewClinician(trustNamed(stack, 'trust-a'), 'cardiology-consultant');
    surgeon = await signInNewClinician(trustNamed(stack, 'trust-b'), 'cardiothoracic-surgeon');
  });

  afterAll(() => {
    consultant.stop();
    surgeon.stop();
  });

  it('lets a clinician at trust B join over federation and both read what the other wrote', async () => {
    const roomId = await openReferralRoom(consultant, surgeon, 'Referral: cardiothoracic opinion');

    const referral = 'Please review: 68M, severe AS, echo attached later';
    await consultant.client.sendTextMessage(roomId, referral);
    const received = await eventually('the referral to arrive decrypted at trust B', () =>
      findDecryptedText(surgeon.client, roomId, referral),
    );
    // It crossed federation encrypted, and trust B's client decrypted it itself.
    expect(received.getWireType()).toBe('m.room.encrypted');
    expect(received.isDecryptionFailure()).toBe(false);
    expect(received.getSender()).toBe(consultant.userId);

    const reply = 'Accepted. Can see him in clinic on Thursday.';
    await surgeon.client.sendTextMessage(roomId, reply);
    const answered = await eventually('the reply to arrive decrypted at trust A', () =>
      findDecryptedText(consultant.client, roomId, reply),
    );
    expect(answered.getWireType()).toBe('m.room.encrypted');
    expect(answered.getSender()).toBe(surgeon.userId);
  });
});
