// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Attacks on the room shape (rule
// room-shape): a room made or changed under any spelling (createRoom with or without a transaction ID, any prefix,
// a public preset or visibility, opening initial state; later state changes with the same values, the directory
// listing) never ends up joinable. Judged by what Synapse holds: every room the user is in is invite-only, closed
// to guests and not world-readable, and none is in Synapse's public room directory. Rooms made with what the
// policy allows appear, and an allowed state change is stored, so the check can see a room and a change.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed, canonicalClientPath, methodMostly, param, spelledClientPath } from './pathSpellings.ts';
import { bearer, clientCall } from './rawRequest.ts';
import { trustNamed } from './stackInfo.ts';
import { askSynapse, synapseJoinedRooms, synapseRoomState } from './synapseHoldings.ts';

const seed = attackSeed(20260520);
const trustA = trustNamed(inject('stack'), 'trust-a');

const openingState = {
  joinRule: ['public', 'knock', 'restricted', 'knock_restricted'],
  guestAccess: ['can_join'],
  history: ['world_readable'],
};

/** Why a room, as Synapse holds it, is not closed; empty when it is. */
async function openings(token: string, roomId: string): Promise<string[]> {
  const joinRule = (await synapseRoomState(trustA, token, roomId, 'm.room.join_rules'))?.join_rule;
  const guests = (await synapseRoomState(trustA, token, roomId, 'm.room.guest_access'))?.guest_access;
  const history = (await synapseRoomState(trustA, token, roomId, 'm.room.history_visibility'))
    ?.history_visibility;
  return [
    ...(joinRule === 'invite' ? [] : [`${roomId} join rule ${String(joinRule)}`]),
    ...(guests === 'forbidden' ? [] : [`${roomId} guest access ${String(guests)}`]),
    ...(history !== 'world_readable' ? [] : [`${roomId} history world_readable`]),
  ];
}

/** What Synapse holds for the user: rooms that are open in any way, and rooms listed in its public directory. */
async function openRooms(session: StaffSession): Promise<{ opened: string[]; listed: string[] }> {
  const rooms = await synapseJoinedRooms(trustA, session.accessToken);
  const opened = (await Promise.all(rooms.map((roomId) => openings(session.accessToken, roomId)))).flat();
  const directory = await askSynapse(
    trustA,
    session.accessToken,
    'GET',
    '/_matrix/client/v3/publicRooms?limit=1000',
  );
  expect(directory.status).toBe(200);
  const listed = (directory.body.chunk as { room_id: string }[])
    .map((entry) => entry.room_id)
    .filter((roomId) => rooms.includes(roomId));
  return { opened, listed };
}

function stateEvent(type: string, content: Record<string, unknown>) {
  return { type, state_key: '', content };
}

describe('gateway attacks: rooms anyone could join', () => {
  let session: StaffSession;

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-rooms');
  });

  it('sees a room that is open when Synapse holds one (the check can see an opening)', async () => {
    // Past the gateway, on Synapse's internal listener: what the gateway exists to stop.
    const made = await askSynapse(trustA, session.accessToken, 'POST', '/_matrix/client/v3/createRoom', {
      preset: 'public_chat',
    });
    const roomId = String(made.body.room_id);
    try {
      expect((await openRooms(session)).opened).toEqual(
        expect.arrayContaining([`${roomId} join rule public`, `${roomId} guest access undefined`]),
      );
    } finally {
      // Left and forgotten, so that the checks below see only rooms made through the gateway.
      const room = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;
      await askSynapse(trustA, session.accessToken, 'POST', `${room}/leave`, {});
      await askSynapse(trustA, session.accessToken, 'POST', `${room}/forget`, {});
    }
  });

  it('makes no joinable room, under any spelling of createRoom or anything asked of it', async () => {
    const run = randomBytes(4).toString('hex');
    const samples = fc.sample(
      fc
        .record({
          withTxn: fc.boolean(),
          txnId: fc.constantFrom('t1', `t-${run}`, 't%2F1'),
          preset: fc.constantFrom(undefined, 'public_chat', 'private_chat', 'trusted_private_chat'),
          visibility: fc.constantFrom(undefined, 'public', 'private'),
          joinRule: fc.constantFrom(undefined, 'invite', ...openingState.joinRule),
          guestAccess: fc.constantFrom(undefined, 'forbidden', ...openingState.guestAccess),
          history: fc.constantFrom(undefined, 'shared', ...openingState.history),
        })
        .chain((choice) =>
          fc.record({
            choice: fc.constant(choice),
            target: spelledClientPath(choice.withTxn ? ['createRoom', param(choice.txnId)] : ['createRoom']),
            method: methodMostly(choice.withTxn ? 'PUT' : 'POST'),
          }),
        ),
      { seed, numRuns: 60 },
    );
    // Public asks under the canonical spelling, which the gateway takes and makes private.
    const publicAsks = [
      { preset: 'public_chat' },
      { visibility: 'public' },
      { preset: 'public_chat', visibility: 'public' },
      { preset: 'public_chat', joinRule: 'invite', history: 'shared' },
    ].map((ask) => ({
      choice: {
        withTxn: false,
        txnId: '',
        preset: undefined,
        visibility: undefined,
        joinRule: undefined,
        guestAccess: undefined,
        history: undefined,
        ...ask,
      },
      target: canonicalClientPath(['createRoom']),
      method: 'POST',
    }));
    const attacks: Attack[] = [...publicAsks, ...samples].map(({ choice, target, method }) => {
      const initialState = [
        ...(choice.joinRule
          ? [stateEvent('m.room.join_rules', { join_rule: choice.joinRule, allow: [] })]
          : []),
        ...(choice.guestAccess
          ? [stateEvent('m.room.guest_access', { guest_access: choice.guestAccess })]
          : []),
        ...(choice.history
          ? [stateEvent('m.room.history_visibility', { history_visibility: choice.history })]
          : []),
      ];
      const body = {
        name: `Open room drill ${run}`,
        ...(choice.preset ? { preset: choice.preset } : {}),
        ...(choice.visibility ? { visibility: choice.visibility } : {}),
        ...(initialState.length > 0 ? { initial_state: initialState } : {}),
      };
      return {
        label: `${method} ${target} ${JSON.stringify(body)}`,
        request: { method, target, headers: bearer(session.accessToken), body: JSON.stringify(body) },
      };
    });
    const results = await sendAttacks(trustA.clientUrl, attacks);
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    // Rooms are made only by the canonical createRoom, which the gateway makes private: the public asks above are
    // among them, so the check below sees rooms that were asked to be public.
    const made = results.filter(
      ({ read, answer }) => read.outcome === 'passed' && typeof answer.json?.room_id === 'string',
    );
    expect(made.length, 'rooms made from public asks (control)').toBeGreaterThanOrEqual(publicAsks.length);
    const refused = results.flatMap(({ read }) => (read.outcome === 'refused' ? [read.rule] : []));
    expect(refused).toEqual(expect.arrayContaining(['room-shape', 'default-deny']));

    const rooms = await synapseJoinedRooms(trustA, session.accessToken);
    expect(rooms).toEqual(expect.arrayContaining(made.map(({ answer }) => String(answer.json?.room_id))));
    expect(await openRooms(session), `seed ${seed}`).toEqual({ opened: [], listed: [] });
  });

  it('opens no room by a later change, under any spelling of the state or directory endpoints', async () => {
    const created = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      {
        name: 'Later change drill',
      },
    );
    const roomId = String(created.json?.room_id);
    const changes = [
      ...openingState.joinRule.map((rule) => ({
        type: 'm.room.join_rules',
        body: JSON.stringify({ join_rule: rule }),
      })),
      { type: 'm.room.join_rules', body: '{"join_rule":"invite","join_rule":"public"}' },
      { type: 'm.room.join_rules', body: '{"join_rule":"invite","join\\u005frule":"public"}' },
      { type: 'm.room.guest_access', body: '{"guest_access":"can_join"}' },
      { type: 'm.room.history_visibility', body: '{"history_visibility":"world_readable"}' },
      { type: 'm.room.history_visibility', body: '{"history_visibility":["world_readable"]}' },
    ];
    const samples = fc.sample(
      fc
        .record({ change: fc.constantFrom(...changes), withStateKey: fc.boolean() })
        .chain(({ change, withStateKey }) =>
          fc.record({
            change: fc.constant(change),
            target: spelledClientPath([
              'rooms',
              param(roomId),
              'state',
              param(change.type),
              ...(withStateKey ? [''] : []),
            ]),
            method: methodMostly('PUT'),
          }),
        ),
      { seed, numRuns: 60 },
    );
    const directory = fc.sample(
      fc.record({
        target: spelledClientPath(['directory', 'list', 'room', param(roomId)]),
        method: methodMostly('PUT'),
      }),
      { seed, numRuns: 12 },
    );
    const attacks: Attack[] = [
      ...changes.map((change) => ({
        change,
        target: canonicalClientPath(['rooms', param(roomId), 'state', param(change.type), '']),
        method: 'PUT',
      })),
      ...samples,
    ].map(({ change, target, method }) => ({
      label: `${method} ${target} ${change.body}`,
      request: { method, target, headers: bearer(session.accessToken), body: change.body },
    }));
    const directoryAttacks: Attack[] = directory.map(({ target, method }) => ({
      label: `${method} ${target} public`,
      request: { method, target, headers: bearer(session.accessToken), body: '{"visibility":"public"}' },
    }));
    const results = await sendAttacks(trustA.clientUrl, [...attacks, ...directoryAttacks]);
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);

    // Control: an allowed change under the canonical spelling is stored.
    const allowed = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.history_visibility/`,
      { history_visibility: 'joined' },
    );
    expect(allowed.status).toBe(200);
    expect(await synapseRoomState(trustA, session.accessToken, roomId, 'm.room.history_visibility')).toEqual({
      history_visibility: 'joined',
    });
    expect(await openRooms(session), `seed ${seed}`).toEqual({ opened: [], listed: [] });
  });
});
