import type { MatrixClient } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { InvalidNhsNumberError, InvalidReferralError } from '../errors/clientErrors.ts';
import { createRoomActions } from './roomActions.ts';

const me = '@amelia:trust-a.example';
const chidi = '@chidi:trust-a.example';
const bea = '@bea:trust-b.example';
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const noUpload = () => Promise.reject(new Error('nothing is uploaded here'));

type Call = Readonly<{ method: string; args: readonly unknown[] }>;

/** Just enough of matrix-js-sdk's client for opening rooms: what it was asked, and the rooms and m.direct it knows. */
function stubClient(
  rooms: Record<string, { members: Record<string, string>; myInvite?: Record<string, unknown> }> = {},
  direct: Record<string, string[]> = {},
) {
  const calls: Call[] = [];
  let created = 0;
  const roomOf = (roomId: string) => {
    const known = rooms[roomId];
    if (!known) return null;
    return {
      roomId,
      getMyMembership: () => known.members[me] ?? 'leave',
      getMember: (userId: string) =>
        known.members[userId] === undefined
          ? null
          : {
              userId,
              membership: known.members[userId],
              events: {
                member:
                  known.myInvite && userId === me
                    ? { getContent: () => known.myInvite, getSender: () => chidi }
                    : undefined,
              },
            },
      getMembers: () => Object.entries(known.members).map(([userId, membership]) => ({ userId, membership })),
      getLastActiveTimestamp: () => 1,
    };
  };
  const client = {
    getSafeUserId: () => me,
    getRoom: roomOf,
    getAccountData: (type: string) => (type === 'm.direct' ? { getContent: () => direct } : undefined),
    createRoom: (options: unknown) => {
      calls.push({ method: 'createRoom', args: [options] });
      created += 1;
      return Promise.resolve({ room_id: `!new${created}:trust-a.example` });
    },
    setAccountData: (type: string, content: unknown) => {
      calls.push({ method: 'setAccountData', args: [type, content] });
      return Promise.resolve({});
    },
    joinRoom: (roomId: string) => {
      calls.push({ method: 'joinRoom', args: [roomId] });
      return Promise.resolve({});
    },
    sendTyping: (...args: unknown[]) => {
      calls.push({ method: 'sendTyping', args });
      return Promise.resolve({});
    },
  };
  const queued: Call[] = [];
  const queue = (roomId: string, eventType: string, content: Record<string, unknown>, options?: unknown) => {
    queued.push({ method: 'queue', args: [roomId, eventType, content, options] });
    return Promise.resolve();
  };
  // The stub stands in for the SDK's client, whose type has hundreds of members these actions never touch.
  const actions = createRoomActions(
    client as unknown as MatrixClient,
    'http://127.0.0.1:8008',
    { upload: noUpload, randomBytes },
    queue,
  );
  return { actions, calls, queued };
}

describe('opening a referral', () => {
  it('makes a room named only "Referral" and queues the patient and reason inside the first (encrypted) message, held for the partner join', async () => {
    const { actions, calls, queued } = stubClient();
    const roomId = await actions.openReferral({
      invite: bea,
      nhsNumber: '943 476 5919',
      reason: ' Suspected cauda equina ',
    });
    expect(roomId).toBe('!new1:trust-a.example');
    const [create] = calls;
    expect(create?.args[0]).toMatchObject({ name: 'Referral', invite: [bea] });
    // Nothing of the patient or the reason in what the server reads in the clear.
    expect(JSON.stringify(calls)).not.toMatch(/9434765919|943 476 5919|cauda/);
    expect(queued).toEqual([
      {
        method: 'queue',
        args: [
          roomId,
          'm.room.message',
          {
            msgtype: 'm.text',
            body: 'Referral: Suspected cauda equina',
            'uk.nhs.bleep.patient': { nhs_number: '9434765919' },
            'uk.nhs.bleep.referral': { reason: 'Suspected cauda equina' },
          },
          // Sent once the partner has joined.
          { awaitsJoinOf: bea },
        ],
      },
    ]);
  });

  it('refuses a bad NHS number, an empty reason or a colleague at the same trust, and makes nothing', async () => {
    const { actions, calls, queued } = stubClient();
    await expect(
      actions.openReferral({ invite: bea, nhsNumber: '9434765918', reason: 'x' }),
    ).rejects.toBeInstanceOf(InvalidNhsNumberError);
    await expect(
      actions.openReferral({ invite: bea, nhsNumber: '9434765919', reason: '  ' }),
    ).rejects.toBeInstanceOf(InvalidReferralError);
    await expect(
      actions.openReferral({ invite: chidi, nhsNumber: '9434765919', reason: 'x' }),
    ).rejects.toBeInstanceOf(InvalidReferralError);
    expect(calls).toEqual([]);
    expect(queued).toEqual([]);
  });
});

describe('opening a direct conversation', () => {
  it('makes a private encrypted direct room and records it in m.direct beside the others', async () => {
    const { actions, calls } = stubClient({}, { [bea]: ['!older:trust-a.example'] });
    const roomId = await actions.openDirect(chidi);
    expect(calls[0]?.args[0]).toMatchObject({
      is_direct: true,
      invite: [chidi],
      initial_state: [{ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    expect(calls[1]).toEqual({
      method: 'setAccountData',
      args: ['m.direct', { [bea]: ['!older:trust-a.example'], [chidi]: [roomId] }],
    });
  });

  it('reuses the joined direct room with that person, not one they left or one with a third member', async () => {
    const { actions, calls } = stubClient(
      {
        '!left:a': { members: { [me]: 'join', [chidi]: 'leave' } },
        '!three:a': { members: { [me]: 'join', [chidi]: 'join', [bea]: 'join' } },
        '!ours:a': { members: { [me]: 'join', [chidi]: 'invite' } },
      },
      { [chidi]: ['!left:a', '!three:a', '!ours:a'] },
    );
    expect(await actions.openDirect(chidi)).toBe('!ours:a');
    expect(calls).toEqual([]);
  });

  it('records an invitation offered as direct in m.direct once joined; another invitation only joins', async () => {
    const { actions, calls } = stubClient({
      '!dm:a': {
        members: { [me]: 'invite', [chidi]: 'join' },
        myInvite: { membership: 'invite', is_direct: true },
      },
      '!team:a': { members: { [me]: 'invite', [chidi]: 'join' }, myInvite: { membership: 'invite' } },
    });
    await actions.join('!dm:a');
    await actions.join('!team:a');
    expect(calls).toEqual([
      { method: 'joinRoom', args: ['!dm:a'] },
      { method: 'setAccountData', args: ['m.direct', { [chidi]: ['!dm:a'] }] },
      { method: 'joinRoom', args: ['!team:a'] },
    ]);
  });

  it('says the clinician is typing for 30 seconds, or has stopped', async () => {
    const { actions, calls } = stubClient();
    await actions.setTyping('!dm:a', true);
    await actions.setTyping('!dm:a', false);
    expect(calls).toEqual([
      { method: 'sendTyping', args: ['!dm:a', true, 30_000] },
      { method: 'sendTyping', args: ['!dm:a', false, 30_000] },
    ]);
  });
});
