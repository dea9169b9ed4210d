import { describe, expect, it } from 'vitest';
import { createBleepStore } from './bleepStore.ts';
import type { RoomSummary } from './roomsSlice.ts';
import { selectDraft } from './selectors/composerSelectors.ts';
import { selectExpiry } from './selectors/expirySelectors.ts';
import { selectSearch, selectSearchHits, selectSearching } from './selectors/searchSelectors.ts';
import type { SearchHit } from '../search/messageSearch.ts';
import {
  selectInvitations,
  selectJoinedRooms,
  selectRoom,
  selectUnreadTotal,
} from './selectors/roomSelectors.ts';
import {
  selectIsReady,
  selectClientRetentionDays,
  selectSessionProblem,
} from './selectors/sessionSelectors.ts';
import { selectLatestMessage, selectMessages, selectTimeline } from './selectors/timelineSelectors.ts';
import type { TimelineItem } from './timelineSlice.ts';
import { decryptedMessage } from './timelineItem.testkit.ts';

function room(roomId: string, change: Partial<RoomSummary> = {}): RoomSummary {
  return {
    roomId,
    name: roomId,
    kind: 'team',
    partnerTrust: null,
    directWith: null,
    members: [],
    urgentUnread: false,
    referral: null,
    membership: 'join',
    encrypted: true,
    joinedMembers: 2,
    invitedMembers: 0,
    lastActivityAt: 1,
    unreadCount: 0,
    invitedBy: null,
    ...change,
  };
}

function message(id: string, change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({ id, roomId: '!ward:a', sender: '@amelia:a', sentAt: 1, ...change });
}

function hit(eventId: string, sentAt: number, roomId = '!ward:a'): SearchHit {
  return {
    eventId,
    roomId,
    sender: '@amelia:a',
    sentAt,
    msgtype: 'm.text',
    body: `bed 4 (${eventId})`,
    editedAt: null,
  };
}

describe('the Bleep store', () => {
  it('gives every factory call its own state', () => {
    const first = createBleepStore();
    const second = createBleepStore();
    first.getState().draftChanged('!ward:a', 'hello');
    expect(selectDraft('!ward:a')(first.getState())).toBe('hello');
    expect(selectDraft('!ward:a')(second.getState())).toBe('');
  });

  it('applies one sync batch to rooms and timeline in one update', () => {
    const store = createBleepStore();
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().applySyncBatch({
      rooms: [room('!ward:a')],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$1') }],
    });
    expect(updates).toBe(1);
    expect(selectRoom('!ward:a')(store.getState())?.name).toBe('!ward:a');
    expect(selectTimeline('!ward:a')(store.getState()).map((item) => item.id)).toEqual(['$1']);
  });

  it('replaces a local echo by the event the server assigned, in place', () => {
    const store = createBleepStore();
    const { applySyncBatch } = store.getState();
    applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: message('$earlier') },
        { change: 'upsert', item: message('~local', { sendStatus: 'sending' }) },
      ],
    });
    applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$real', { sendStatus: 'sent' }), replacesId: '~local' }],
    });
    expect(selectTimeline('!ward:a')(store.getState()).map((item) => [item.id, item.sendStatus])).toEqual([
      ['$earlier', null],
      ['$real', 'sent'],
    ]);
  });

  it('replaces a pending encrypted item when it decrypts, and removes one that turns out not to be shown', () => {
    const store = createBleepStore();
    const { applySyncBatch } = store.getState();
    const pending = message('$1', { kind: 'encrypted', decryption: 'pending', body: null, msgtype: null });
    applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: pending },
        { change: 'upsert', item: { ...pending, id: '$2' } },
      ],
    });
    applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: message('$1') },
        { change: 'remove', roomId: '!ward:a', id: '$2' },
      ],
    });
    expect(selectMessages('!ward:a')(store.getState())).toEqual([message('$1')]);
    expect(selectLatestMessage('!ward:a')(store.getState())?.body).toBe('text of $1');
  });

  it('lists joined rooms by latest activity, invitations apart, and forgets removed rooms', () => {
    const store = createBleepStore();
    store.getState().applySyncBatch({
      rooms: [
        room('!old:a', { lastActivityAt: 10, unreadCount: 2 }),
        room('!new:a', { lastActivityAt: 20, unreadCount: 3 }),
        room('!invite:b', { membership: 'invite', invitedBy: '@bob:b', unreadCount: 5 }),
        room('!gone:a'),
      ],
      removedRooms: [],
      timeline: [],
    });
    store.getState().applySyncBatch({ rooms: [], removedRooms: ['!gone:a'], timeline: [] });
    const state = store.getState();
    expect(selectJoinedRooms(state).map((r) => r.roomId)).toEqual(['!new:a', '!old:a']);
    expect(selectInvitations(state).map((r) => r.invitedBy)).toEqual(['@bob:b']);
    expect(selectUnreadTotal(state)).toBe(5);
  });

  it('keeps the enrolment when a session fails or is cleared, and the problem until the next step', () => {
    const store = createBleepStore();
    const actions = store.getState();
    actions.desktopEnrolled({ serverUrl: 'http://a', deviceId: 'WARD-PC' });
    actions.sessionStepBegan('signing-in');
    actions.sessionStepFailed({ code: 'wrong-password', message: 'no' });
    expect(store.getState().session).toMatchObject({
      status: 'signed-out',
      enrolledDeviceId: 'WARD-PC',
      problem: { code: 'wrong-password' },
    });
    actions.sessionStepBegan('signing-in');
    expect(selectSessionProblem(store.getState())).toBeNull();
    actions.sessionStarted({ userId: '@amelia:a', deviceId: 'WARD-PC' });
    expect(selectIsReady(store.getState())).toBe(false);
    actions.syncChanged('syncing', null);
    expect(selectIsReady(store.getState())).toBe(true);
    actions.sessionCleared();
    expect(store.getState().session).toMatchObject({
      status: 'signed-out',
      userId: null,
      enrolledDeviceId: 'WARD-PC',
    });
  });

  it("reads the trust's retention from the policy the gateway sent, not from a constant", () => {
    const store = createBleepStore();
    expect(selectClientRetentionDays(store.getState())).toBeNull();
    store.getState().policyLoaded({
      version: 1,
      trust: { name: 'Trust A', serverName: 'a.example', odsCode: 'RAA' },
      partners: [],
      partnerTrusts: [],
      retention: { clientDays: 30, serverHours: 72 },
      idleLockMinutes: 5,
      encryptionRequired: true,
      plaintextEventTypes: [],
      maxUploadBytes: 1,
      notificationContent: 'none',
      keyBackupAllowed: false,
    });
    expect(selectClientRetentionDays(store.getState())).toBe(30);
  });

  it('holds plain data only: its state survives structured cloning unchanged', () => {
    const store = createBleepStore();
    store.getState().applySyncBatch({
      rooms: [room('!ward:a')],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$1') }],
    });
    const { session, rooms, timeline, composer, expiry } = store.getState();
    const data = { session, rooms, timeline, composer, expiry };
    expect(structuredClone(data)).toEqual(data);
  });

  it('after a sweep, shows its record and drops what it deleted from the timelines, outside held rooms', () => {
    const store = createBleepStore();
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: message('$old', { sentAt: 100 }) },
        { change: 'upsert', item: message('$new', { sentAt: 300 }) },
        { change: 'upsert', item: message('$heldOld', { sentAt: 100, roomId: '!inquiry:a' }) },
      ],
    });
    store.getState().expirySwept({
      sweptAt: 1_000,
      clientDays: 90,
      before: 200,
      keptRoomIds: ['!inquiry:a'],
      oldestKeptAt: 100,
      oldestOutsideHoldAt: 300,
      legalHolds: { status: 'in-force', roomIds: ['!inquiry:a'], checkedAt: 1_000 },
      removed: 1,
      kept: 2,
    });
    expect(selectTimeline('!ward:a')(store.getState()).map((item) => item.id)).toEqual(['$new']);
    expect(selectTimeline('!inquiry:a')(store.getState()).map((item) => item.id)).toEqual(['$heldOld']);
    expect(selectExpiry(store.getState())).toMatchObject({
      lastSweptAt: 1_000,
      lastCutoff: 200,
      oldestKeptAt: 100,
      oldestOutsideHoldAt: 300,
      keptMessages: 2,
    });
  });

  it('after a wipe, holds nothing of the clinician and says why; a revoked desktop is no longer enrolled', () => {
    const store = createBleepStore();
    store.getState().desktopEnrolled({ serverUrl: 'https://a.example', deviceId: 'PC1' });
    store.getState().sessionStarted({ userId: '@amelia:a', deviceId: 'PC1' });
    store.getState().applySyncBatch({
      rooms: [room('!ward:a')],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$1') }],
    });
    store.getState().draftChanged('!ward:a', 'half-written note');
    store.getState().searchFinished(store.getState().searchBegan({ text: 'bed' }), [hit('$1', 1)]);
    const wipe = {
      reason: 'device-revoked',
      wipedAt: 5,
      erased: ['archive-key', 'desktop-enrolment'],
      failed: [],
    } as const;
    const problem = { code: 'device-not-enrolled', message: 'revoked' } as const;
    store.getState().clinicianDataWiped(wipe, problem);
    const state = store.getState();
    expect(state.rooms.byId).toEqual({});
    expect(state.timeline.byRoom).toEqual({});
    expect(state.composer.drafts).toEqual({});
    expect(selectSearch(state)).toMatchObject({ query: null, hits: [] });
    expect(state.session).toMatchObject({
      status: 'ended',
      userId: null,
      serverUrl: null,
      enrolledDeviceId: null,
      problem,
      wipe,
    });
  });

  it('shows the last search begun, and not a late answer to an older one', () => {
    const store = createBleepStore();
    const older = store.getState().searchBegan({ text: 'bed' });
    expect(selectSearching(store.getState())).toBe(true);
    const newer = store.getState().searchBegan({ text: 'bed 4', roomId: '!ward:a' });
    store.getState().searchFinished(newer, [hit('$2', 2)]);
    store.getState().searchFinished(older, [hit('$1', 1), hit('$2', 2)]);
    expect(selectSearch(store.getState())).toMatchObject({
      query: { text: 'bed 4', roomId: '!ward:a' },
      status: 'done',
    });
    expect(selectSearchHits(store.getState()).map((found) => found.eventId)).toEqual(['$2']);
    store.getState().searchFailed(older);
    expect(selectSearch(store.getState()).status).toBe('done');
    store.getState().searchFailed(store.getState().searchBegan({ text: 'x' }));
    expect(selectSearch(store.getState())).toMatchObject({ status: 'failed', hits: [] });
  });

  it('drops a search result once its message is deleted, or swept by expiry outside a hold', () => {
    const store = createBleepStore();
    const id = store.getState().searchBegan({ text: 'bed' });
    store
      .getState()
      .searchFinished(id, [
        hit('$deleted', 400),
        hit('$old', 100),
        hit('$held', 100, '!inquiry:a'),
        hit('$new', 300),
      ]);
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: message('$deleted', { kind: 'deleted', body: null, msgtype: null }) },
      ],
    });
    expect(selectSearchHits(store.getState()).map((found) => found.eventId)).toEqual([
      '$old',
      '$held',
      '$new',
    ]);
    store.getState().expirySwept({
      sweptAt: 1_000,
      clientDays: 90,
      before: 200,
      keptRoomIds: ['!inquiry:a'],
      oldestKeptAt: 100,
      oldestOutsideHoldAt: 300,
      legalHolds: { status: 'in-force', roomIds: ['!inquiry:a'], checkedAt: 1_000 },
      removed: 1,
      kept: 2,
    });
    expect(selectSearchHits(store.getState()).map((found) => found.eventId)).toEqual(['$held', '$new']);
  });
});
