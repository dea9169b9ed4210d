// Every branch of the client expiry decision, with the policy's defaults: report every 24 h, 24 h of grace, 90 days.
import { parsePolicy } from '@bleep/policy-module';
import { describe, expect, it } from 'vitest';
import { judgeDevice, lastHeard, type EnrolledSession, type SynapseDevice } from './judgeDevice.ts';

const limits = parsePolicy(
  {
    version: 1,
    trust: { name: 'Northgate', odsCode: 'RXA', serverName: 'trust-a.example' },
    federation: { partners: [] },
  },
  'inline',
).retention;
const hour = 3_600_000;
const day = 24 * hour;
const now = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

const device: SynapseDevice = { userId: '@dr:x', deviceId: 'WARD-PC', lastSeen: ago(hour) };

function session(overrides: Partial<EnrolledSession> = {}): EnrolledSession {
  return {
    userId: '@dr:x',
    deviceId: 'WARD-PC',
    enrolledAt: ago(30 * day),
    lastLoginAt: ago(10 * day),
    report: null,
    ...overrides,
  };
}

const report = (receivedAgo: number, oldestAgo: number | null) => ({
  receivedAt: ago(receivedAgo),
  oldestTs: oldestAgo === null ? null : ago(oldestAgo),
  sweptAt: ago(receivedAgo),
});

describe('judging a device for client expiry', () => {
  it('leaves alone a desktop that reported within expiryReportHours', () => {
    expect(judgeDevice(device, session({ report: report(23 * hour, 30 * day) }), now, limits)).toEqual({
      action: 'none',
      enrolled: true,
    });
  });

  it('counts from the latest of report, sign-in and enrolment, so a desktop just signed in has its day', () => {
    expect(lastHeard(session({ report: report(5 * day, null), lastLoginAt: ago(hour) }))).toEqual(ago(hour));
    expect(lastHeard(session({ lastLoginAt: null, enrolledAt: ago(2 * hour) }))).toEqual(ago(2 * hour));
    expect(judgeDevice(device, session({ lastLoginAt: ago(hour) }), now, limits).action).toBe('none');
  });

  it('warns a desktop overdue with its report, naming the missed deadline and the sign-out to come', () => {
    expect(judgeDevice(device, session({ report: report(25 * hour, null) }), now, limits)).toEqual({
      action: 'warn',
      dueAt: ago(hour),
      signOutAt: ago(hour - day),
    });
  });

  it('signs out a desktop overdue for longer than expiryGraceHours', () => {
    expect(judgeDevice(device, session({ report: report(49 * hour, null) }), now, limits)).toEqual({
      action: 'sign-out',
      reason: 'overdue',
      since: ago(25 * hour),
    });
    // With no grace, overdue is signed out at once.
    expect(
      judgeDevice(device, session({ report: report(25 * hour, null) }), now, {
        ...limits,
        expiryGraceHours: 0,
      }),
    ).toMatchObject({ action: 'sign-out', reason: 'overdue' });
  });

  it('signs out a desktop whose report from this session showed content older than clientDays', () => {
    expect(judgeDevice(device, session({ report: report(hour, 91 * day) }), now, limits)).toEqual({
      action: 'sign-out',
      reason: 'over-age',
      since: ago(91 * day),
    });
  });

  it('forgets an over-age report sent before the sign-in Synapse holds now (the desktop wiped and came back)', () => {
    const wipedAndBack = session({ report: report(2 * hour, 91 * day), lastLoginAt: ago(hour) });
    expect(judgeDevice(device, wipedAndBack, now, limits)).toEqual({ action: 'none', enrolled: true });
  });

  it('signs out any device Synapse has not seen for clientDays, enrolled or not, and no other', () => {
    const unseen = { ...device, lastSeen: ago(91 * day) };
    expect(judgeDevice(unseen, undefined, now, limits)).toEqual({
      action: 'sign-out',
      reason: 'not-seen',
      since: ago(91 * day),
    });
    expect(judgeDevice({ ...device, lastSeen: ago(89 * day) }, undefined, now, limits)).toEqual({
      action: 'none',
      enrolled: false,
    });
    // Never seen in use, and not yet found so by a check: nothing to judge by yet.
    expect(judgeDevice({ ...device, lastSeen: null }, undefined, now, limits).action).toBe('none');
  });

  it('judges a device Synapse never saw in use from when a check first found it', () => {
    const neverUsed = { ...device, lastSeen: null };
    expect(judgeDevice({ ...neverUsed, noticedUnusedAt: ago(91 * day) }, undefined, now, limits)).toEqual({
      action: 'sign-out',
      reason: 'not-seen',
      since: ago(91 * day),
    });
    expect(judgeDevice({ ...neverUsed, noticedUnusedAt: ago(89 * day) }, undefined, now, limits)).toEqual({
      action: 'none',
      enrolled: false,
    });
    // A last use, once there is one, is what counts.
    const usedSince = { ...device, lastSeen: ago(day), noticedUnusedAt: ago(91 * day) };
    expect(judgeDevice(usedSince, undefined, now, limits).action).toBe('none');
  });

  it('never warns or signs out a device that is not on an enrolled desktop for its reports', () => {
    expect(judgeDevice(device, undefined, now, limits)).toEqual({ action: 'none', enrolled: false });
  });
});
