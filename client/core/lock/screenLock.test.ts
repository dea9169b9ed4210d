import { describe, expect, it } from 'vitest';
import { WeakPinError } from '../errors/clientErrors.ts';
import { createMemorySecretStore } from '../secrets/memorySecretStore.testkit.ts';
import { createScreenLock, maximumWrongPins } from './screenLock.ts';

function desktop() {
  let now = Date.UTC(2026, 10, 28, 9);
  const secrets = createMemorySecretStore();
  const platform = {
    secrets,
    clock: { now: () => now },
    randomBytes: (length: number) => crypto.getRandomValues(new Uint8Array(length)),
  };
  return {
    secrets,
    // Few PBKDF2 rounds: the tests check the rules, not the hash's cost.
    lock: () => createScreenLock(platform, 1_000),
    passMinutes: (minutes: number) => {
      now += minutes * 60_000;
    },
  };
}

describe('the screen lock', () => {
  it('asks for a PIN after the first sign-in, then keeps only a verifier of it', async () => {
    const { lock: make, secrets } = desktop();
    const lock = make();
    await lock.load();
    expect(lock.store.getState().status).toBe('needs-pin');
    await lock.setPin('482913');
    expect(lock.store.getState().status).toBe('unlocked');
    const kept = new TextDecoder().decode(secrets.entries.get('screen-lock-pin'));
    expect(kept).not.toContain('482913');
    expect(JSON.parse(kept)).toMatchObject({ version: 1, iterations: 1_000 });
  });

  it('refuses a PIN shorter than six characters', async () => {
    const lock = desktop().lock();
    await lock.load();
    await expect(lock.setPin('12345')).rejects.toBeInstanceOf(WeakPinError);
    expect(lock.store.getState().status).toBe('needs-pin');
  });

  it('starts locked once a PIN is set, and opens only with that PIN', async () => {
    const place = desktop();
    await place.lock().load();
    const first = place.lock();
    await first.load();
    await first.setPin('482913');
    const restarted = place.lock();
    await restarted.load();
    expect(restarted.store.getState().status).toBe('locked');
    expect(await restarted.unlock('482914')).toBe(false);
    expect(restarted.store.getState()).toMatchObject({ status: 'locked', wrongPins: 1 });
    expect(await restarted.unlock('482913')).toBe(true);
    expect(restarted.store.getState()).toMatchObject({ status: 'unlocked', wrongPins: 0 });
  });

  it(`blocks after ${maximumWrongPins} wrong PINs in a row, even for the right one`, async () => {
    const lock = desktop().lock();
    await lock.load();
    await lock.setPin('482913');
    lock.lock();
    for (let attempt = 0; attempt < maximumWrongPins; attempt += 1)
      expect(await lock.unlock('000000')).toBe(false);
    expect(lock.store.getState().status).toBe('blocked');
    expect(await lock.unlock('482913')).toBe(false);
    expect(lock.store.getState().status).toBe('blocked');
  });

  it('locks after the idle minutes, counted from the last thing the clinician did', async () => {
    const place = desktop();
    const lock = place.lock();
    await lock.load();
    await lock.setPin('482913');
    place.passMinutes(4);
    lock.noteActivity();
    place.passMinutes(4);
    expect(lock.lockIfIdle(5)).toBe(false);
    place.passMinutes(1);
    expect(lock.lockIfIdle(5)).toBe(true);
    expect(lock.store.getState().status).toBe('locked');
  });

  it('forgets the PIN when the session ends, so the next clinician sets their own', async () => {
    const { lock: make, secrets } = desktop();
    const lock = make();
    await lock.load();
    await lock.setPin('482913');
    await lock.forget();
    expect(secrets.entries.has('screen-lock-pin')).toBe(false);
    expect(lock.store.getState().status).toBe('needs-pin');
  });
});
