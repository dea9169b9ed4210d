// Needs the real local stack: trust-a and trust-b. Stops and restarts trust-b's Synapse through the stack CLI,
// so it runs alone (the integration project runs files one at a time).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  eventually,
  findDecryptedText,
  openReferralRoom,
  signInNewClinician,
  type Clinician,
} from './clinicianClient.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

describe('a partner trust that is down', () => {
  let sender: Clinician;
  let recipient: Clinician;
  let roomId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    sender = await signInNewClinician(trustNamed(stack, 'trust-a'), 'night-registrar');
    recipient = await signInNewClinician(trustNamed(stack, 'trust-b'), 'on-call-surgeon');
    roomId = await openReferralRoom(sender, recipient, 'Overnight referral');
    // An ongoing conversation: the devices already share an encryption session when trust B goes down. (A first
    // message to a device whose server is down cannot be encrypted for it: its one-time key cannot be claimed.)
    await sender.client.sendTextMessage(roomId, 'Evening handover: two patients to discuss');
    await eventually('the first message at trust B', () =>
      findDecryptedText(recipient.client, roomId, 'Evening handover: two patients to discuss'),
    );
  });

  afterAll(async () => {
    sender.stop();
    recipient.stop();
    // Whatever happened above, leave trust-b running for the other tests.
    await stackCommand(['up', 'trust-b']);
  });

  it('receives, after it restarts, a message sent while it was stopped', async () => {
    await stackCommand(['stop', 'trust-b']);
    const message = 'Bed 14 deteriorating overnight, please call when back';
    await sender.client.sendTextMessage(roomId, message);

    await stackCommand(['up', 'trust-b']);
    // Trust A retries the destination on its own (the local overrides shorten Synapse's back-off);
    // nothing at trust B asks for the message.
    const received = await eventually(
      'the queued message to arrive at trust B',
      () => findDecryptedText(recipient.client, roomId, message),
      150_000,
    );
    expect(received.getWireType()).toBe('m.room.encrypted');
    expect(received.getSender()).toBe(sender.userId);
  });
});
