// Needs the real local stack: trust-a, a Synapse behind its policy gateway, and Bleep's own database. Attacks on
// revocation (rule device-enrolment, held on every session): once trust IT revokes a desktop, no request made with
// its token succeeds through the gateway, however the token is written (header, query, both, twice, a form body)
// and whatever was in flight when the revocation committed. Judged by what Synapse holds afterwards (the room's
// events, the user's rooms, the user's devices); each attack's allowed twin, before the revocation or with an
// enrolled token, shows the check can see a success.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { enrolmentStoreOf, passwordLogin } from './enrolledDesktop.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed } from './pathSpellings.ts';
import { bearer, clientCall, rawRequest } from './rawRequest.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';
import {
  askSynapse,
  synapseDeviceIds,
  synapseJoinedRooms,
  synapseRoomEvents,
  synapseRoomsOfUser,
  type StoredEvent,
} from './synapseHoldings.ts';
import {
  encodedWordFormType,
  placeToken,
  plainFormTypes,
  tokenPlacements,
  type TokenRequest,
} from './tokenSpellings.ts';

const seed = attackSeed(20260518);
const trustA = trustNamed(inject('stack'), 'trust-a');
const v3 = '/_matrix/client/v3';

function roomPath(roomId: string): string {
  return `${v3}/rooms/${encodeURIComponent(roomId)}`;
}

/** A room made through the gateway by `owner`, with `member` in it too (to read it once the owner cannot). */
async function sharedRoom(owner: StaffSession, member: StaffSession): Promise<string> {
  const created = await clientCall(trustA.clientUrl, owner.accessToken, 'POST', `${v3}/createRoom`, {
    name: 'Revocation drill',
    invite: [member.userId],
  });
  const roomId = created.json?.room_id;
  if (created.status !== 200 || typeof roomId !== 'string') throw new Error(`createRoom: ${created.text}`);
  const joined = await clientCall(
    trustA.clientUrl,
    member.accessToken,
    'POST',
    `${v3}/join/${encodeURIComponent(roomId)}`,
    {},
  );
  if (joined.status !== 200) throw new Error(`join: ${joined.text}`);
  return roomId;
}

/** A reaction whose key carries `marker` (a plaintext type the policy allows: the send succeeds when allowed). */
function reaction(roomId: string, targetEventId: string, marker: string): TokenRequest {
  return {
    method: 'PUT',
    target: `${roomPath(roomId)}/send/m.reaction/${randomBytes(6).toString('hex')}`,
    body: (smuggle) => ({
      'm.relates_to': { rel_type: 'm.annotation', event_id: targetEventId, key: `${marker}${smuggle}` },
    }),
  };
}

/** A room created with a name carrying `smuggle` (POST: the method whose form body Twisted reads). */
const newRoom: TokenRequest = {
  method: 'POST',
  target: `${v3}/createRoom`,
  body: (smuggle) => ({ name: `Attack room ${smuggle}` }),
};

const whoAmI: TokenRequest = { method: 'GET', target: `${v3}/account/whoami`, body: () => ({}) };

function markersIn(events: readonly StoredEvent[], prefix: string): string[] {
  return events.flatMap((event) => {
    const key = (event.content['m.relates_to'] as { key?: unknown } | undefined)?.key;
    return typeof key === 'string' && key.startsWith(prefix) ? [key] : [];
  });
}

describe('gateway attacks: a revoked desktop has no session', () => {
  let colleague: StaffSession;

  beforeAll(async () => {
    colleague = await signInAtEnrolledDesktop(trustA, 'attack-colleague');
  });

  it('refuses every spelling of the token once trust IT revokes the desktop, with requests in flight', async () => {
    const holder = await signInAtEnrolledDesktop(trustA, 'attack-revoked');
    const roomId = await sharedRoom(holder, colleague);
    const [createEvent] = (await synapseRoomEvents(trustA, colleague.accessToken, roomId)).slice(-1);
    const target = createEvent?.event_id ?? '';
    const run = randomBytes(4).toString('hex');
    const tokens = { revoked: holder.accessToken, enrolled: colleague.accessToken };

    // Control: before the revocation the holder's reaction reaches Synapse.
    const before = placeToken(reaction(roomId, target, `before-${run}`), 'header', tokens);
    expect((await rawRequest(trustA.clientUrl, before)).status).toBe(200);
    const roomsBefore = await synapseRoomsOfUser(trustA, holder.userId);

    // The burst: syncs held open and sends, racing the revocation.
    const burst = [
      ...Array.from({ length: 4 }, () =>
        rawRequest(trustA.clientUrl, {
          method: 'GET',
          target: `${v3}/sync?timeout=2000`,
          headers: bearer(holder.accessToken),
        }),
      ),
      ...Array.from({ length: 16 }, (_, index) =>
        rawRequest(
          trustA.clientUrl,
          placeToken(reaction(roomId, target, `burst-${run}-${index}`), 'header', tokens),
        ),
      ),
    ];
    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', holder.deviceId]);
    const burstAnswers = await Promise.all(burst);
    expect(burstAnswers.filter((answer) => answer.status >= 500)).toEqual([]);

    const placements = fc.sample(fc.constantFrom(...tokenPlacements), { seed, numRuns: 24 });
    const attacks: Attack[] = [...tokenPlacements, ...placements].flatMap((placement, index) =>
      [reaction(roomId, target, `after-${run}-${index}`), newRoom, whoAmI].map((request) => ({
        label: `${request.method} ${request.target} token=${placement}`,
        request: placeToken(request, placement, tokens),
      })),
    );
    const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    // Not one is let through: a spelling with the colleague's token beside the revoked one is ambiguous, and a
    // form body is refused whatever it carries.
    expect(
      results.filter(({ read }) => read.outcome === 'passed').map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);

    // What Synapse holds: the desktop's device is gone, nothing sent after the revocation arrived, and the holder
    // made no room (the colleague's view of the room; the holder's token no longer reads anything).
    expect(await synapseDeviceIds(trustA, holder.userId)).toEqual([]);
    const events = await synapseRoomEvents(trustA, colleague.accessToken, roomId);
    expect(markersIn(events, `before-${run}`)).toHaveLength(1);
    expect(markersIn(events, `after-${run}`), `seed ${seed}`).toEqual([]);
    expect(await synapseRoomsOfUser(trustA, holder.userId), `seed ${seed}`).toEqual(roomsBefore);
    // And the desktop cannot sign in again.
    const again = await passwordLogin(trustA, holder.username, holder.password, holder.desktop);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ 'uk.nhs.bleep.rule': 'device-enrolment' });
  });

  describe('revoked in Bleep only, still signed in at Synapse', () => {
    let holder: StaffSession;
    let roomId = '';
    let target = '';
    let roomsBefore: string[] = [];
    const run = randomBytes(4).toString('hex');

    beforeAll(async () => {
      holder = await signInAtEnrolledDesktop(trustA, 'attack-db-revoked');
      roomId = await sharedRoom(holder, colleague);
      target = (await synapseRoomEvents(trustA, holder.accessToken, roomId)).at(-1)?.event_id ?? '';
      // Control: before the revocation the holder's reaction reaches Synapse through the gateway.
      const tokens = { revoked: holder.accessToken, enrolled: colleague.accessToken };
      const before = await rawRequest(
        trustA.clientUrl,
        placeToken(reaction(roomId, target, `before-${run}`), 'header', tokens),
      );
      expect(before.status).toBe(200);
      // Marked revoked in Bleep's database as trust IT's command does, without its sign-out at Synapse (one that
      // failed, say): what holds the session now is the gateway alone.
      const { store, pool } = enrolmentStoreOf(trustA);
      try {
        expect(await store.revoke(holder.deviceId)).toMatchObject({ ok: true });
      } finally {
        await pool.end();
      }
      // The gateway hears of it by NOTIFY; allow it a moment to arrive.
      const deadline = Date.now() + 5000;
      while (
        (await clientCall(trustA.clientUrl, holder.accessToken, 'GET', `${v3}/account/whoami`)).status === 200
      ) {
        if (Date.now() > deadline) throw new Error('the gateway still serves the revoked desktop after 5 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      roomsBefore = await synapseJoinedRooms(trustA, holder.accessToken);
    });

    it('is refused by the gateway (device-enrolment) while Synapse itself still takes the token', async () => {
      expect((await askSynapse(trustA, holder.accessToken, 'GET', `${v3}/account/whoami`)).status).toBe(200);
      const refused = await clientCall(trustA.clientUrl, holder.accessToken, 'GET', `${v3}/account/whoami`);
      expect(refused).toMatchObject({
        status: 401,
        json: { errcode: 'M_UNKNOWN_TOKEN', 'uk.nhs.bleep.rule': 'device-enrolment' },
      });
    });

    async function holdings() {
      const events = await synapseRoomEvents(trustA, holder.accessToken, roomId);
      return {
        newRooms: (await synapseJoinedRooms(trustA, holder.accessToken)).filter(
          (room) => !roomsBefore.includes(room),
        ),
        reactionsAfter: markersIn(events, `after-${run}`),
        beforeSeen: markersIn(events, `before-${run}`).length,
      };
    }

    it('refuses the token in every plain spelling: header, query, both, twice, a form body', async () => {
      const tokens = { revoked: holder.accessToken, enrolled: colleague.accessToken };
      const samples = fc.sample(
        fc.record({
          placement: fc.constantFrom(...tokenPlacements),
          formType: fc.constantFrom(...plainFormTypes),
        }),
        { seed, numRuns: 40 },
      );
      const every = tokenPlacements.map((placement) => ({ placement, formType: plainFormTypes[0] ?? '' }));
      const attacks = [...every, ...samples].flatMap(({ placement, formType }, index) =>
        [reaction(roomId, target, `after-${run}-${index}`), newRoom, whoAmI].map((request) => ({
          label: `${request.method} ${request.target} token=${placement} content-type=${formType}`,
          placement,
          request: placeToken(request, placement, tokens, formType),
        })),
      );
      const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });
      expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
      expect(
        results.filter(({ read }) => read.outcome === 'passed').map(({ attack }) => attack.label),
        `seed ${seed}`,
      ).toEqual([]);
      // Where the gateway can single the token out, the refusal is its own.
      const singled = results.filter(({ attack }) =>
        ['header', 'query', 'query-name-encoded'].includes(attack.placement),
      );
      expect(
        new Set(singled.map(({ read }) => (read.outcome === 'refused' ? read.rule : read.outcome))),
      ).toEqual(new Set(['device-enrolment']));
      expect(await holdings(), `seed ${seed}`).toEqual({ newRooms: [], reactionsAfter: [], beforeSeen: 1 });
    });
    it('refuses the token in a form body whose Content-Type is written as RFC 2047 encoded words', async () => {
      const tokens = { revoked: holder.accessToken, enrolled: colleague.accessToken };
      // Control: the same smuggling body sent as JSON makes a room, as the colleague (the check sees a room made).
      const colleagueRooms = await synapseJoinedRooms(trustA, colleague.accessToken);
      const asJson = placeToken(newRoom, 'form-body-enrolled-query', tokens, 'application/json');
      expect((await rawRequest(trustA.clientUrl, asJson)).status).toBe(200);
      expect((await synapseJoinedRooms(trustA, colleague.accessToken)).length).toBe(
        colleagueRooms.length + 1,
      );

      const samples = fc.sample(
        fc.record({
          placement: fc.constantFrom(
            'form-body',
            'form-body-enrolled-query',
            'form-body-enrolled-header' as const,
          ),
          formType: encodedWordFormType,
        }),
        { seed, numRuns: 12 },
      );
      const attacks: Attack[] = samples.map(({ placement, formType }) => ({
        label: `POST createRoom token=${placement} content-type=${formType}`,
        request: placeToken(newRoom, placement, tokens, formType),
      }));
      const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });
      expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
      // What Synapse holds: no room made by the revoked desktop's user.
      const letThrough = results
        .filter(({ read }) => read.outcome === 'passed')
        .map(({ attack }) => attack.label);
      expect((await holdings()).newRooms, `seed ${seed}; answered 200:\n${letThrough.join('\n')}`).toEqual(
        [],
      );
    });
  });
});
