import { describe, expect, it } from 'vitest';
import { manualClock } from '../../platform.testkit.ts';
import type { PatientMark } from '../../patient/patientTag.ts';
import { createBleepStore } from '../bleepStore.ts';
import type { TimelineItem } from '../timelineSlice.ts';
import { patientFilingWarningDays, selectUnfiledPatientMessagesNearExpiry } from './patientSelectors.ts';

const dayMs = 86_400_000;
const sentAt = Date.UTC(2026, 8, 1, 9);
const me = '@amelia:trust-a.example';

function item(id: string, change: Partial<TimelineItem> & { patient?: PatientMark } = {}): TimelineItem {
  return {
    id,
    roomId: '!ward:trust-a.example',
    sender: me,
    sentAt,
    kind: 'message',
    msgtype: 'm.text',
    body: 'Bloods back',
    editedAt: null,
    reactions: [],
    target: null,
    membership: null,
    encrypted: true,
    decryption: 'decrypted',
    failureReason: null,
    sendStatus: 'sent',
    urgent: false,
    replyTo: null,
    patient: { nhsNumber: '9434765919', filedAt: null },
    ...change,
  };
}

function storeWith(clientDays: number, items: readonly TimelineItem[]) {
  const store = createBleepStore();
  store.getState().policyLoaded({
    version: 1,
    trust: { name: 'Trust A', serverName: 'a.example', odsCode: 'RAA' },
    partners: [],
    partnerTrusts: [],
    retention: { clientDays, serverHours: 72 },
    idleLockMinutes: 5,
    encryptionRequired: true,
    plaintextEventTypes: [],
    maxUploadBytes: 1,
    notificationContent: 'none',
    keyBackupAllowed: false,
  });
  store.getState().sessionStarted({ userId: me, deviceId: 'DESK1' });
  store.getState().applySyncBatch({
    rooms: [],
    removedRooms: [],
    timeline: items.map((entry) => ({ change: 'upsert' as const, item: entry })),
  });
  return store;
}

const flagged = (store: ReturnType<typeof storeWith>, now: number) =>
  selectUnfiledPatientMessagesNearExpiry(store.getState(), now).map((entry) => entry.item.id);

describe('unfiled patient messages flagged to their sender before they expire', () => {
  it(`flags the clinician's own unfiled message from ${patientFilingWarningDays} days before clientDays, not a moment sooner`, () => {
    const store = storeWith(90, [item('$mine')]);
    const clock = manualClock(sentAt);
    const warnFrom = sentAt + (90 - patientFilingWarningDays) * dayMs;
    clock.set(warnFrom - 1);
    expect(flagged(store, clock.now())).toEqual([]);
    clock.set(warnFrom);
    expect(flagged(store, clock.now())).toEqual(['$mine']);
    expect(selectUnfiledPatientMessagesNearExpiry(store.getState(), clock.now())[0]?.expiresAt).toBe(
      sentAt + 90 * dayMs,
    );
    // Past clientDays, a legal hold may still keep it: it stays flagged.
    clock.set(sentAt + 100 * dayMs);
    expect(flagged(store, clock.now())).toEqual(['$mine']);
  });

  it("does not flag a filed message, someone else's, an untagged one, or a deleted one", () => {
    const store = storeWith(90, [
      item('$filed', { patient: { nhsNumber: '9434765919', filedAt: sentAt + dayMs } }),
      item('$theirs', { sender: '@bob:trust-b.example', sendStatus: null }),
      item('$untagged', { patient: undefined }),
      item('$deleted', { kind: 'deleted', body: null }),
      item('$mine'),
    ]);
    expect(flagged(store, sentAt + 89 * dayMs)).toEqual(['$mine']);
  });

  it('warns half of clientDays ahead when clientDays is short, and flags nothing before the policy is known', () => {
    const store = storeWith(10, [item('$mine')]);
    expect(flagged(store, sentAt + 5 * dayMs - 1)).toEqual([]);
    expect(flagged(store, sentAt + 5 * dayMs)).toEqual(['$mine']);
    expect(
      selectUnfiledPatientMessagesNearExpiry(createBleepStore().getState(), sentAt + 1000 * dayMs),
    ).toEqual([]);
  });

  it('lists the soonest to expire first', () => {
    const store = storeWith(90, [item('$later', { sentAt: sentAt + dayMs }), item('$sooner')]);
    expect(flagged(store, sentAt + 89 * dayMs)).toEqual(['$sooner', '$later']);
  });
});
