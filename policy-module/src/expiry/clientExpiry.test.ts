// The client expiry rule's numbers, with the policy's defaults (24 h to report, 24 h of grace, 90 days).
import { describe, expect, it } from 'vitest';
import { testPolicy } from '../gateway/rules/ruleContext.testkit.ts';
import { heldExpiredContent, nextReportDue, notSeenCutoff, signOutDue } from './clientExpiry.ts';

const hour = 3_600_000;
const day = 24 * hour;
const limits = testPolicy.retention;
const reportedAt = new Date('2026-03-01T12:00:00Z');

describe('client expiry', () => {
  it('makes the next report due expiryReportHours after the last one, and the sign-out a grace later', () => {
    expect(limits).toMatchObject({ expiryReportHours: 24, expiryGraceHours: 24, clientDays: 90 });
    expect(nextReportDue(reportedAt, limits).getTime() - reportedAt.getTime()).toBe(24 * hour);
    expect(signOutDue(reportedAt, limits).getTime() - reportedAt.getTime()).toBe(48 * hour);
    expect(signOutDue(reportedAt, { ...limits, expiryGraceHours: 0 }).getTime() - reportedAt.getTime()).toBe(
      24 * hour,
    );
  });

  it('finds content held past clientDays by the time the report arrived, and only then', () => {
    const at = reportedAt.getTime();
    expect(heldExpiredContent(new Date(at - 91 * day), reportedAt, limits)).toBe(true);
    expect(heldExpiredContent(new Date(at - 90 * day - 1), reportedAt, limits)).toBe(true);
    expect(heldExpiredContent(new Date(at - 90 * day), reportedAt, limits)).toBe(false);
    expect(heldExpiredContent(new Date(at - day), reportedAt, limits)).toBe(false);
    // An empty archive holds nothing old; a message sent "in the future" (a skewed clock) neither.
    expect(heldExpiredContent(null, reportedAt, limits)).toBe(false);
    expect(heldExpiredContent(new Date(at + day), reportedAt, limits)).toBe(false);
    expect(heldExpiredContent(new Date(at - 31 * day), reportedAt, { ...limits, clientDays: 30 })).toBe(true);
  });

  it('counts "not seen" from clientDays ago', () => {
    expect(reportedAt.getTime() - notSeenCutoff(reportedAt, limits).getTime()).toBe(90 * day);
  });
});
