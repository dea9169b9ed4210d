// Needs the real local stack: trust-a, trust-b and the "outsider" homeserver, which lists trust-a as a partner
// but is on nobody's allow-list. Each proof has a control from trust-b, so the test fails if the check is gone.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, membershipOf, signInNewClinician, type Clinician } from './clinicianClient.ts';
import { signedFederationRequest } from './signedFederationRequest.ts';
import { trustNamed } from './stackInfo.ts';

describe('the federation allow-list', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  const outsider = trustNamed(stack, 'outsider');
  let clinicianA: Clinician;
  let partnerClinician: Clinician;
  let stranger: Clinician;

  beforeAll(async () => {
    clinicianA = await signInNewClinician(trustA, 'ward-doctor');
    partnerClinician = await signInNewClinician(trustB, 'partner-nurse');
    stranger = await signInNewClinician(outsider, 'stranger');
  });

  afterAll(() => {
    clinicianA.stop();
    partnerClinician.stop();
    stranger.stop();
  });

  it('refuses a transaction signed by a server that is not a partner, and accepts the same from a partner', async () => {
    const send = (originName: string, originServer: string) =>
      signedFederationRequest({
        originName,
        originServer,
        destinationServer: trustA.serverName,
        port: Number(trustA.serverName.split(':')[1]),
        method: 'PUT',
        uri: `/_matrix/federation/v1/send/${originName}-${Date.now()}`,
        content: { origin: originServer, origin_server_ts: Date.now(), pdus: [], edus: [] },
      });
    const fromOutsider = await send('outsider', outsider.serverName);
    expect(fromOutsider.status).toBe(403);
    // Refused by trust A's gateway, before its Synapse sees it.
    expect(fromOutsider.body).toMatchObject({
      errcode: 'M_FORBIDDEN',
      'uk.nhs.bleep.rule': 'federation-partners',
    });
    const fromPartner = await send('trust-b', trustB.serverName);
    expect(fromPartner.status).toBe(200);
  });

  it('does not let the outsider invite a clinician at trust A', async () => {
    const { room_id: roomId } = await stranger.client.createRoom({ name: 'Outside room' });
    // Trust A itself refuses: the outsider's own server would federate with it.
    await expect(stranger.client.invite(roomId, clinicianA.userId)).rejects.toMatchObject({
      httpStatus: 403,
      errcode: 'M_FORBIDDEN',
      data: { error: expect.stringContaining(`Federation denied with ${outsider.serverName}`) as string },
    });
    const members = await stranger.client.getJoinedRoomMembers(roomId);
    expect(Object.keys(members.joined)).not.toContain(clinicianA.userId);
  });

  it('does not let the outsider join a room at trust A', async () => {
    const { room_id: roomId } = await clinicianA.client.createRoom({
      name: 'Room at trust A',
      invite: [partnerClinician.userId],
    });
    await expect(stranger.client.joinRoom(roomId, { viaServers: [trustA.serverName] })).rejects.toMatchObject(
      {
        httpStatus: 403,
        errcode: 'M_FORBIDDEN',
      },
    );
    // Control: the partner's invited clinician joins the very same room over federation.
    await eventually('the invite at trust B', () =>
      membershipOf(partnerClinician.client, roomId, partnerClinician.userId) === 'invite' ? true : undefined,
    );
    await partnerClinician.client.joinRoom(roomId, { viaServers: [trustA.serverName] });
    const members = await clinicianA.client.getJoinedRoomMembers(roomId);
    expect(Object.keys(members.joined).sort()).toEqual([clinicianA.userId, partnerClinician.userId].sort());
  });
});
