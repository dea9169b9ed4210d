import { describe, expect, it } from 'vitest';
import type { RoomSummary } from '../../core/stores/roomsSlice.ts';
import { conversationLabel } from './conversationLabel.ts';

const room = (fields: Partial<RoomSummary>): RoomSummary => ({
  roomId: '!r:a',
  name: 'Referral',
  kind: 'team',
  partnerTrust: null,
  directWith: null,
  members: [
    { userId: '@amelia:a', displayName: 'Dr Amelia Hart', membership: 'join' },
    { userId: '@rachel:b', displayName: 'Dr Rachel Mensah', membership: 'invite' },
  ],
  urgentUnread: false,
  referral: null,
  membership: 'join',
  encrypted: true,
  joinedMembers: 1,
  invitedMembers: 1,
  lastActivityAt: null,
  unreadCount: 0,
  invitedBy: null,
  ...fields,
});

describe('how a conversation is named', () => {
  it('a direct conversation by the other clinician', () => {
    expect(
      conversationLabel(
        room({ kind: 'direct', directWith: { userId: '@rachel:b', displayName: 'Dr Rachel Mensah' } }),
      ),
    ).toMatchObject({ title: 'Dr Rachel Mensah', kind: 'Direct message' });
  });

  it('a referral by the people in it besides me, with the partner trust', () => {
    const label = conversationLabel(
      room({ kind: 'referral', partnerTrust: { serverName: 'b', name: 'Riverside University Hospitals' } }),
      '@amelia:a',
    );
    expect(label).toMatchObject({
      title: 'Referral: Dr Rachel Mensah',
      partner: 'Riverside University Hospitals',
    });
  });

  it('a team room by its name, and who invited me by name', () => {
    expect(
      conversationLabel(room({ name: 'Ward 12 nurses', invitedBy: '@amelia:a' }), '@rachel:b'),
    ).toMatchObject({
      title: 'Ward 12 nurses',
      kind: 'Team',
      invitedBy: 'Dr Amelia Hart',
    });
  });
});
