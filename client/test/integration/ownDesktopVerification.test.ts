// Needs the real local stack: trust-a (chroot Synapse behind its policy gateway, PostgreSQL). One clinician signed
// in on two desktops trust IT enrolled (each signed by the trust at sign-in, as in hotDesking.test.ts) verifies one
// desktop from the other by emoji (SAS), through session.verification and the store's verification slice only:
// the request, the acceptance and the seven emoji travel as to-device messages through the gateway. Emoji that do not
// match cancel it on both desktops and verify nothing; emoji that match verify each desktop on the other, as the
// SDK's own device verification status says.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { OwnDesktopVerificationStatus } from '../../core/crypto/ownDesktopVerification.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectCryptoStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectVerification } from '../../core/stores/selectors/verificationSelectors.ts';
import { queryDatabase } from './synapseDatabase.testkit.ts';
import { createStaffAccount, enrolledCore, eventually, type StaffAccount } from './bleepDesktop.testkit.ts';

type Desktop = Readonly<{ core: BleepSession; deviceId: string }>;

/** Signs the clinician in on a newly enrolled desktop and waits for the trust's signature. */
async function signedInOn(trust: RunningTrust, account: StaffAccount, label: string): Promise<Desktop> {
  const desktop = await enrolledCore(trust, label);
  await desktop.core.signIn({ kind: 'password', username: account.username, password: account.password });
  await eventually(`${label} to be signed by the trust`, () =>
    selectCryptoStatus(desktop.core.store.getState())?.crossSigning === 'signed' ? true : undefined,
  );
  return desktop;
}

function verificationOn(desktop: Desktop) {
  return selectVerification(desktop.core.store.getState());
}

async function until(desktop: Desktop, status: OwnDesktopVerificationStatus) {
  return eventually(`${desktop.deviceId} to show the verification as ${status}`, () => {
    const shown = verificationOn(desktop);
    return shown.status === status ? shown : undefined;
  });
}

/** As eventually, for a check that asks the SDK (asynchronously). */
async function eventuallyAsync<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The gateway's audited refusals of secret requests (rule no-key-copies) for the clinician. */
async function refusedSecretRequests(trust: RunningTrust, userId: string): Promise<number> {
  const rows = await queryDatabase<{ refused: string }>(
    trust.policyDatabaseUrl,
    `SELECT count(*) AS refused FROM bleep_audit
      WHERE actor = $1 AND action = 'refuse:toDevice' AND result LIKE '%(no-key-copies)'`,
    [userId],
  );
  return Number(rows[0]?.refused ?? 0);
}

/** How `desktop` stands with `other` in the SDK's own device verification status. */
async function standingWith(desktop: Desktop, other: Desktop) {
  const known = await desktop.core.verification.ownDesktops();
  return known.find((device) => device.deviceId === other.deviceId);
}

describe('a clinician verifying one of their desktops from another by emoji', () => {
  let trustA: RunningTrust;
  let first: Desktop;
  let second: Desktop;
  let account: StaffAccount;

  beforeAll(async () => {
    trustA = trustNamed(inject('stack'), 'trust-a');
    account = await createStaffAccount(trustA, 'cardiology-registrar');
    first = await signedInOn(trustA, account, 'cardio-ward1');
    second = await signedInOn(trustA, account, 'cardio-ward2');
    // Each desktop knows the other (the first learns of the second from the device list change at the server).
    await eventuallyAsync('each desktop to know the other', async () =>
      (await standingWith(first, second)) && (await standingWith(second, first)) ? true : undefined,
    );
  });

  afterAll(() => {
    first.core.stop();
    second.core.stop();
  });

  it('cancels on both desktops when the emoji do not match, and verifies nothing', async () => {
    // Both desktops are the trust's (signed with the clinician's identity), and neither verified the other itself.
    const before = { first: await standingWith(first, second), second: await standingWith(second, first) };
    expect(before.first).toMatchObject({ signedByTrust: true, verifiedHere: false });
    expect(before.second).toMatchObject({ signedByTrust: true, verifiedHere: false });

    await second.core.verification.requestWithOwnDevice(first.deviceId);
    expect(verificationOn(second)).toMatchObject({ status: 'requested', otherDeviceId: first.deviceId });
    expect(await until(first, 'incoming')).toMatchObject({ otherDeviceId: second.deviceId });
    await first.core.verification.accept();
    await until(second, 'ready');
    await second.core.verification.startEmoji();
    const onFirst = await until(first, 'showing-emoji');
    const onSecond = await until(second, 'showing-emoji');
    expect(onFirst.emoji).toHaveLength(7);
    expect(onFirst.emoji).toEqual(onSecond.emoji);

    // The clinician sees different emoji on the two screens (a desktop that is not theirs would show them).
    await first.core.verification.emojiDoNotMatch();
    expect(await until(first, 'cancelled')).toMatchObject({ reason: 'emoji-mismatch', emoji: null });
    expect(await until(second, 'cancelled')).toMatchObject({ reason: 'emoji-mismatch', emoji: null });
    expect(await standingWith(first, second)).toEqual(before.first);
    expect(await standingWith(second, first)).toEqual(before.second);
    first.core.verification.dismiss();
    second.core.verification.dismiss();
    expect(verificationOn(first).status).toBe('idle');
  });

  it('verifies each desktop on the other when the clinician confirms the same seven emoji on both', async () => {
    // Asked of all the clinician's other desktops: which one answers is not known until it accepts.
    await first.core.verification.requestWithOwnDevice();
    expect(verificationOn(first)).toMatchObject({ status: 'requested', otherDeviceId: null });
    expect(await until(second, 'incoming')).toMatchObject({ otherDeviceId: first.deviceId });
    await second.core.verification.accept();
    expect(await until(first, 'ready')).toMatchObject({ otherDeviceId: second.deviceId });
    await until(second, 'ready');

    await first.core.verification.startEmoji();
    const onFirst = await until(first, 'showing-emoji');
    const onSecond = await until(second, 'showing-emoji');
    expect(onFirst.emoji).toHaveLength(7);
    expect(onFirst.emoji).toEqual(onSecond.emoji);
    for (const { symbol, name } of onFirst.emoji ?? []) {
      expect(symbol.length).toBeGreaterThan(0);
      expect(name.length).toBeGreaterThan(0);
    }

    await first.core.verification.confirmEmojiMatch();
    expect(verificationOn(first)).toMatchObject({ status: 'showing-emoji', confirmedHere: true });
    await second.core.verification.confirmEmojiMatch();
    expect(await until(first, 'done')).toMatchObject({ otherDeviceId: second.deviceId, reason: null });
    expect(await until(second, 'done')).toMatchObject({ otherDeviceId: first.deviceId, reason: null });

    await eventuallyAsync('each desktop to hold the other as verified', async () => {
      const [onFirstSide, onSecondSide] = [
        await standingWith(first, second),
        await standingWith(second, first),
      ];
      return onFirstSide?.verifiedHere && onSecondSide?.verifiedHere ? true : undefined;
    });
    expect(await standingWith(first, second)).toMatchObject({ signedByTrust: true, verifiedHere: true });
    expect(await standingWith(second, first)).toMatchObject({ signedByTrust: true, verifiedHere: true });
    // Rust crypto then asks the other desktop for the identity's private keys, which no desktop holds and the gateway
    // refuses (and audits); the desktops withdraw those requests instead of sending them again after every sync.
    // (The SDK may send the first ones before they are withdrawn: those in flight are counted once they settle.)
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const refusedAtDone = await refusedSecretRequests(trustA, account.userId);
    await new Promise((resolve) => setTimeout(resolve, 12_000)); // more than two 5 s long-polls on each desktop
    expect(await refusedSecretRequests(trustA, account.userId)).toBe(refusedAtDone);
    // The desktops' own standing with the trust is unchanged by it.
    expect(selectCryptoStatus(first.core.store.getState())).toMatchObject({
      crossSigning: 'signed',
      ownIdentity: 'the-trusts',
    });
  });

  it('is gone with the session: after a stop, nothing is shown and there is nothing to act on', async () => {
    const third = await signedInOn(
      trustA,
      await createStaffAccount(trustA, 'cardiology-nurse'),
      'cardio-ward3',
    );
    third.core.stop();
    expect(verificationOn(third).status).toBe('idle');
    expect(() => third.core.verification).toThrow('nobody is signed in');
  });
});
