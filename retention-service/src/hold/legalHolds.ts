// Legal holds for an information-governance officer: place one on a room or a user (with a reason and a
// reference), release it, list them; and, for the purge, which rooms are held now. Every placement, release and
// growth of a hold's cover goes to the hash-chained audit trail. A hold is checked against Synapse when placed: a
// room Synapse does not know is refused (a mistyped id would hold nothing while looking like a hold).
import type { AuditEntry, AuditSink } from '@bleep/policy-module';
import type { Logger } from 'pino';
import type { Queryable } from '../purge/roomPlan.ts';
import { membersAmong, roomExists, roomsOfUsers } from './holdCover.ts';
import {
  HoldError,
  parseHoldInput,
  placeHoldSchema,
  releaseHoldSchema,
  type PlaceHold,
  type ReleaseHold,
} from './legalHoldInput.ts';
import type { LegalHold, LegalHoldStore } from './legalHoldStore.ts';

export type HeldRooms = Readonly<{
  /** Every room an active hold covers now. */
  rooms: ReadonlySet<string>;
  /** Active holds, with the rooms each covers. */
  holds: readonly LegalHold[];
}>;

export type LegalHoldsDeps = Readonly<{
  store: LegalHoldStore;
  /** Synapse's database as the retention service's role (rooms, room_memberships). */
  synapseDb: Queryable;
  audit: AuditSink;
  clock: () => Date;
  log: Logger;
}>;

export type LegalHolds = ReturnType<typeof createLegalHolds>;

function auditOf(
  hold: LegalHold,
  action: string,
  actor: string,
  result: string,
  extra: Readonly<Record<string, string>> = {},
): AuditEntry {
  return {
    actor,
    device: null,
    action,
    room: hold.kind === 'room' ? hold.subject : null,
    result,
    detail: {
      holdId: hold.id,
      kind: hold.kind,
      subject: hold.subject,
      reference: hold.reference,
      rooms: hold.rooms.length,
      ...extra,
    },
  };
}

export function createLegalHolds(deps: LegalHoldsDeps) {
  const { store, synapseDb, audit, clock, log } = deps;

  async function roomsFor(subject: PlaceHold['subject']): Promise<string[]> {
    if (subject.kind === 'room') {
      if (!(await roomExists(synapseDb, subject.id))) {
        throw new HoldError(
          'HOLD_UNKNOWN_ROOM',
          `this homeserver has no room ${subject.id}: check the id (it starts with '!' and names the server)`,
        );
      }
      return [subject.id];
    }
    return (await roomsOfUsers(synapseDb, [subject.id])).get(subject.id) ?? [];
  }

  /** Brings every active user hold's cover up to date (a held user who joined a room since); audits what grew. */
  async function resolve(): Promise<HeldRooms> {
    const active = await store.active();
    const users = active.filter((hold) => hold.kind === 'user');
    const now = clock();
    const byUser = await roomsOfUsers(
      synapseDb,
      users.map((hold) => hold.subject),
    );
    const holds: LegalHold[] = [];
    for (const hold of active) {
      if (hold.kind === 'room') {
        holds.push(hold);
        continue;
      }
      const newRooms = (byUser.get(hold.subject) ?? []).filter((roomId) => !hold.rooms.includes(roomId));
      if (newRooms.length > 0 && (await store.cover(hold.id, newRooms, now)) > 0) {
        log.info(
          { holdId: hold.id, rooms: newRooms.length },
          'a held user is in more rooms: they are held too',
        );
        for (const roomId of newRooms) {
          await audit.record({
            actor: 'bleep-retention',
            device: null,
            action: 'retention.hold.cover',
            room: roomId,
            result: 'held',
            detail: { holdId: hold.id, kind: hold.kind, subject: hold.subject, reference: hold.reference },
          });
        }
      }
      holds.push({ ...hold, rooms: [...new Set([...hold.rooms, ...newRooms])].sort() });
    }
    return { rooms: new Set(holds.flatMap((hold) => hold.rooms)), holds };
  }

  return {
    resolve,

    async place(input: unknown): Promise<LegalHold> {
      const request: PlaceHold = parseHoldInput(placeHoldSchema, input);
      const rooms = await roomsFor(request.subject);
      const hold = await store.place(
        {
          kind: request.subject.kind,
          subject: request.subject.id,
          reason: request.reason,
          reference: request.reference,
          placedBy: request.by,
          placedAt: clock(),
          rooms,
        },
        () => {
          log.warn(
            'a retention step is deleting now: the hold is recorded the moment it finishes, and nothing the hold ' +
              'covers is purged after that',
          );
        },
      );
      await audit.record(
        auditOf(hold, 'retention.hold.place', request.by, 'placed', { reason: hold.reason }),
      );
      log.info({ holdId: hold.id, kind: hold.kind, rooms: hold.rooms.length }, 'legal hold placed');
      return hold;
    },

    async release(input: unknown): Promise<LegalHold> {
      const request: ReleaseHold = parseHoldInput(releaseHoldSchema, input);
      const hold = await store.release(request.id, request.by, request.reason, clock());
      await audit.record(
        auditOf(hold, 'retention.hold.release', request.by, 'released', { reason: request.reason }),
      );
      log.info({ holdId: hold.id }, 'legal hold released');
      return hold;
    },

    list: () => store.list(),

    /** The active holds covering a room now, read afresh (a room hold, or a hold on a user who is or was in it). */
    async covering(roomId: string): Promise<LegalHold[]> {
      const active = await store.active();
      const users = active.filter((hold) => hold.kind === 'user').map((hold) => hold.subject);
      const heldMembers = new Set(await membersAmong(synapseDb, roomId, users));
      return active.filter((hold) =>
        hold.kind === 'room'
          ? hold.subject === roomId
          : heldMembers.has(hold.subject) || hold.rooms.includes(roomId),
      );
    },
  };
}
