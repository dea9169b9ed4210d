import { describe, expect, it } from 'vitest';
import { invitedPartner, type RoomInvitations } from './invitedPartner.ts';

// A stand-in for the SDK's room: only the invited members the rule reads.
function roomInviting(...userIds: string[]): RoomInvitations {
  return { getMembersWithMembership: () => userIds.map((userId) => ({ userId })) };
}

describe('whom a message waits for', () => {
  it('a partner trust’s clinician invited and not joined', () => {
    expect(invitedPartner(roomInviting('@rachel:trust-b.nhs.uk'), '@amelia:trust-a.nhs.uk')).toBe(
      '@rachel:trust-b.nhs.uk',
    );
  });

  it('nobody for a colleague on the same server, or in a room with nobody invited', () => {
    expect(invitedPartner(roomInviting('@tom:trust-a.nhs.uk'), '@amelia:trust-a.nhs.uk')).toBeUndefined();
    expect(invitedPartner(roomInviting(), '@amelia:trust-a.nhs.uk')).toBeUndefined();
    expect(invitedPartner(undefined, '@amelia:trust-a.nhs.uk')).toBeUndefined();
  });

  it('tells servers apart by the whole server name, port included', () => {
    expect(invitedPartner(roomInviting('@x:trust-a.localhost:8449'), '@y:trust-a.localhost:8448')).toBe(
      '@x:trust-a.localhost:8449',
    );
  });
});
