// The verifier's own decisions, with stand-ins for the SDK's client and requests (the exchange itself is proved
// against the real stack in test/integration/ownDesktopVerification.test.ts).
import type { MatrixClient } from 'matrix-js-sdk';
import {
  CryptoEvent,
  VerificationPhase,
  type VerificationRequest,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import { describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../platform.testkit.ts';
import type { OwnDesktopVerification } from './ownDesktopVerification.ts';
import { startOwnDesktopVerifier, VerificationStepError } from './ownDesktopVerifier.ts';

const me = '@amelia.hart:trust-a.nhs.uk';

type Listener = (...args: unknown[]) => void;

/** Just enough of MatrixClient: its listeners, and a CryptoApi that nothing here should reach. */
function standInClient() {
  const listeners = new Map<string, Set<Listener>>();
  const client = {
    getCrypto: () => ({}),
    on: (event: string, listener: Listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
    },
    off: (event: string, listener: Listener) => listeners.get(event)?.delete(listener),
  };
  const emit = (event: string, ...args: unknown[]) => {
    for (const listener of listeners.get(event) ?? []) listener(...args);
  };
  return { client: client as unknown as MatrixClient, emit, listeners };
}

function standInRequest(from: Readonly<{ userId: string; deviceId: string; self: boolean }>) {
  const request = {
    otherUserId: from.userId,
    otherDeviceId: from.deviceId,
    isSelfVerification: from.self,
    roomId: undefined,
    phase: VerificationPhase.Requested,
    cancellationCode: null,
    verifier: undefined,
    on: vi.fn(),
    off: vi.fn(),
    cancel: vi.fn(() => Promise.resolve()),
    accept: vi.fn(() => Promise.resolve()),
  };
  return { request, asSdk: request as unknown as VerificationRequest };
}

function started() {
  const { client, emit, listeners } = standInClient();
  const shown: OwnDesktopVerification[] = [];
  const verifier = startOwnDesktopVerifier(client, {
    userId: me,
    deviceId: 'WARD1',
    logger: recordingLogger(),
    onChange: (verification) => shown.push(verification),
  });
  return { verifier, emit, listeners, shown };
}

describe('verification with the clinician’s own desktops', () => {
  it('declines a request from another clinician and shows nothing of it', () => {
    const { emit, shown } = started();
    const colleague = standInRequest({ userId: '@chidi.okafor:trust-a.nhs.uk', deviceId: 'C1', self: false });
    emit(CryptoEvent.VerificationRequestReceived, colleague.asSdk);
    expect(colleague.request.cancel).toHaveBeenCalledOnce();
    expect(colleague.request.on).not.toHaveBeenCalled();
    expect(shown).toEqual([]);
  });

  it('shows a request from another of the clinician’s desktops as incoming, and accepts it', async () => {
    const { verifier, emit, shown } = started();
    const own = standInRequest({ userId: me, deviceId: 'WARD2', self: true });
    emit(CryptoEvent.VerificationRequestReceived, own.asSdk);
    expect(shown.at(-1)).toMatchObject({ status: 'incoming', otherDeviceId: 'WARD2' });
    await verifier.accept();
    expect(own.request.accept).toHaveBeenCalledOnce();
  });

  it('declines a second request while one is under way', () => {
    const { emit, shown } = started();
    emit(
      CryptoEvent.VerificationRequestReceived,
      standInRequest({ userId: me, deviceId: 'WARD2', self: true }).asSdk,
    );
    const second = standInRequest({ userId: me, deviceId: 'WARD3', self: true });
    emit(CryptoEvent.VerificationRequestReceived, second.asSdk);
    expect(second.request.cancel).toHaveBeenCalledOnce();
    expect(shown.at(-1)).toMatchObject({ otherDeviceId: 'WARD2' });
  });

  it('refuses a step the state does not allow', async () => {
    const { verifier } = started();
    await expect(verifier.accept()).rejects.toBeInstanceOf(VerificationStepError);
    await expect(verifier.confirmEmojiMatch()).rejects.toBeInstanceOf(VerificationStepError);
  });

  it('stops listening, cancels what is under way and shows idle when disposed', () => {
    const { verifier, emit, listeners, shown } = started();
    const own = standInRequest({ userId: me, deviceId: 'WARD2', self: true });
    emit(CryptoEvent.VerificationRequestReceived, own.asSdk);
    verifier.dispose();
    expect(own.request.cancel).toHaveBeenCalledOnce();
    expect(listeners.get(CryptoEvent.VerificationRequestReceived)?.size ?? 0).toBe(0);
    expect(shown.at(-1)?.status).toBe('idle');
  });
});
