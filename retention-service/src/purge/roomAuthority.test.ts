import { describe, expect, it } from 'vitest';
import { chooseRedactor, roomAuthority } from './roomAuthority.ts';

const alice = '@alice:trust-a.example';
const carol = '@carol:trust-a.example';
const bob = '@bob:trust-b.example';
const before12 = { creators: [alice], creatorsUnlimited: false };

describe('chooseRedactor', () => {
  it("acts as the event's own sender while she is a joined local member", () => {
    const authority = roomAuthority([alice, carol], { users: { [carol]: 100 } }, before12);
    expect(chooseRedactor(authority, { sender: alice })).toBe(alice);
  });

  it("acts for a partner's event as the local member with the most power, if it reaches the redact level", () => {
    const authority = roomAuthority(
      [alice, carol],
      { users: { [alice]: 50, [carol]: 100 }, redact: 50 },
      before12,
    );
    expect(chooseRedactor(authority, { sender: bob })).toBe(carol);
  });

  it('finds nobody when no local member may redact others', () => {
    const authority = roomAuthority(
      [alice],
      { users: { [bob]: 100 }, users_default: 0, redact: 50 },
      before12,
    );
    expect(chooseRedactor(authority, { sender: bob })).toBeUndefined();
  });

  it('gives the creator 100 in a room without power levels, and creators unlimited power from room version 12', () => {
    expect(chooseRedactor(roomAuthority([alice], undefined, before12), { sender: bob })).toBe(alice);
    const v12 = roomAuthority(
      [alice],
      { users: {}, redact: 50 },
      { creators: [alice], creatorsUnlimited: true },
    );
    expect(v12.powerOf(alice)).toBe(Number.POSITIVE_INFINITY);
    expect(chooseRedactor(v12, { sender: bob })).toBe(alice);
  });

  it('never acts as someone who has left the room', () => {
    const authority = roomAuthority([carol], { users: { [alice]: 100 } }, before12);
    expect(chooseRedactor(authority, { sender: alice })).toBeUndefined();
  });
});
