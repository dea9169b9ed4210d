// Emoji (SAS) verification between two of the signed-in clinician's own desktops ("verify another of my desktops"):
// one verification at a time, its state handed on as plain data (ownDesktopVerification.ts) for the store, so the
// renderer never touches an SDK request. Lives as long as the running session; dispose() cancels what is under way.
//
// Only the clinician's own devices. In Bleep, whether a colleague's device is theirs is settled by the trust's
// signature (each trust holds its clinicians' cross-signing identities and signs the desktops it enrolled), not by
// clinicians comparing emoji with each other; a request from anyone else is declined and never shown.
import type { MatrixClient } from 'matrix-js-sdk';
import {
  CryptoEvent,
  VerificationPhase,
  VerificationRequestEvent,
  VerifierEvent,
  type CryptoApi,
  type ShowSasCallbacks,
  type VerificationRequest,
  type Verifier,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import { VerificationMethod } from 'matrix-js-sdk/lib/types.js';
import type { CoreLogger } from '../platform.ts';
import {
  couldNotSend,
  idleVerification,
  verificationShown,
  type OwnDesktopVerification,
  type RequestPhase,
} from './ownDesktopVerification.ts';
import { withdrawSecretRequests } from './secretRequestWithdrawal.ts';

/** Another of the clinician's desktops as this desktop knows it. */
export type OwnDesktop = Readonly<{
  deviceId: string;
  displayName: string | null;
  /** The trust signed it with the clinician's identity (so this desktop shares room keys with it). */
  signedByTrust: boolean;
  /** The clinician verified it from this desktop by emoji. */
  verifiedHere: boolean;
}>;

/** What the renderer's "Verify another of my desktops" screen does (session.verification). */
export interface OwnDesktopVerificationActions {
  /** The clinician's other desktops (devices) as this desktop knows them, by device id. */
  ownDesktops(): Promise<readonly OwnDesktop[]>;
  /** Asks the clinician's other desktops (or only `deviceId`, one of them) to verify with this one. */
  requestWithOwnDevice(deviceId?: string): Promise<void>;
  /** Accepts the request another of the clinician's desktops sent ('incoming'). */
  accept(): Promise<void>;
  /** Starts the emoji comparison once both have accepted ('ready'); does nothing if it has started already. */
  startEmoji(): Promise<void>;
  /** The clinician sees the same seven emoji on both desktops. */
  confirmEmojiMatch(): Promise<void>;
  /** The emoji differ: the verification is cancelled on both desktops and nothing is verified. */
  emojiDoNotMatch(): Promise<void>;
  /** Stops the verification under way (declines an incoming request). */
  cancel(): Promise<void>;
  /** Clears a finished verification ('done', 'cancelled', 'failed') back to 'idle'. */
  dismiss(): void;
}

export interface OwnDesktopVerifier extends OwnDesktopVerificationActions {
  /** Stops listening and cancels what is under way (the session stops or signs out). */
  dispose(): void;
}

/** An action the current verification's state does not allow (the renderer offered a button it should not have). */
export class VerificationStepError extends Error {
  override readonly name = 'VerificationStepError';
  readonly code = 'not-now';
  constructor(step: string, status: OwnDesktopVerification['status']) {
    super(`Cannot ${step} while the verification is ${status}.`);
  }
}

export type OwnDesktopVerifierOptions = Readonly<{
  userId: string;
  deviceId: string;
  logger: CoreLogger;
  onChange: (verification: OwnDesktopVerification) => void;
}>;

type Current = {
  readonly request: VerificationRequest;
  readonly direction: 'outgoing' | 'incoming';
  /**
   * The other desktop as last known: the one asked for, then the one that answered. Kept, because the SDK forgets
   * which desktop answered a request sent to all of them once it is done.
   */
  otherDeviceId: string | null;
  verifier: Verifier | undefined;
  sas: ShowSasCallbacks | null;
  confirmedHere: boolean;
  cancelledHere: boolean;
  failed: OwnDesktopVerification | null;
  detach: () => void;
};

const phases: Readonly<Record<VerificationPhase, RequestPhase>> = {
  [VerificationPhase.Unsent]: 'unsent',
  [VerificationPhase.Requested]: 'requested',
  [VerificationPhase.Ready]: 'ready',
  [VerificationPhase.Started]: 'started',
  [VerificationPhase.Cancelled]: 'cancelled',
  [VerificationPhase.Done]: 'done',
};

function isFinished(request: VerificationRequest): boolean {
  return request.phase === VerificationPhase.Done || request.phase === VerificationPhase.Cancelled;
}

export function startOwnDesktopVerifier(
  client: MatrixClient,
  options: OwnDesktopVerifierOptions,
): OwnDesktopVerifier {
  const crypto: CryptoApi | undefined = client.getCrypto();
  if (!crypto) throw new Error('rust crypto did not start');
  const log = options.logger.child('own-desktop-verification');
  let current: Current | undefined;
  let shown: OwnDesktopVerification = idleVerification;

  /** A verification done (or one done before a restart) leaves secret requests that must not go out. */
  function withdrawSecrets(): void {
    withdrawSecretRequests(client).then(
      (withdrawn) => {
        if (withdrawn > 0) log.info('withdrew secret requests the trust would refuse', { withdrawn });
      },
      (error: unknown) => {
        log.warn('could not withdraw secret requests: the gateway will refuse them', {
          error: String(error),
        });
      },
    );
  }
  withdrawSecrets();

  function show(next: OwnDesktopVerification): void {
    shown = next;
    options.onChange(next);
  }

  function snapshotOf(c: Current): OwnDesktopVerification {
    if (c.failed) return c.failed;
    c.otherDeviceId = c.request.otherDeviceId ?? c.otherDeviceId;
    const emoji = c.sas?.sas.emoji?.map(([symbol, name]) => ({ symbol, name })) ?? null;
    return verificationShown({
      phase: phases[c.request.phase],
      direction: c.direction,
      otherDeviceId: c.otherDeviceId,
      emoji,
      confirmedHere: c.confirmedHere,
      cancellationCode: c.request.cancellationCode,
      cancelledHere: c.cancelledHere,
    });
  }

  /** A SAS verifier appeared (started here or by the other desktop): listen for its emoji and take part in it. */
  function attach(c: Current, verifier: Verifier): void {
    if (c.verifier === verifier) return;
    c.verifier = verifier;
    const showSas = (sas: ShowSasCallbacks) => {
      if (current !== c) return;
      c.sas = sas;
      show(snapshotOf(c));
    };
    verifier.on(VerifierEvent.ShowSas, showSas);
    const previousDetach = c.detach;
    c.detach = () => {
      previousDetach();
      verifier.off(VerifierEvent.ShowSas, showSas);
    };
    c.sas = verifier.getShowSasCallbacks();
    // Sends the start or the accept; resolves at 'done' and rejects when cancelled, which the request's phase shows.
    verifier.verify().catch((error: unknown) => {
      log.info('the verification ended without completing', { error: String(error) });
    });
  }

  function follow(c: Current): void {
    const changed = () => {
      if (current !== c) return;
      const { verifier } = c.request;
      if (verifier) attach(c, verifier);
      show(snapshotOf(c));
      if (isFinished(c.request)) {
        if (c.request.phase === VerificationPhase.Done) withdrawSecrets();
        log.info('verification with another of the clinician’s desktops ended', {
          otherDeviceId: c.otherDeviceId,
          phase: phases[c.request.phase],
          cancellationCode: c.request.cancellationCode,
        });
        c.detach();
      }
    };
    c.request.on(VerificationRequestEvent.Change, changed);
    c.detach = () => c.request.off(VerificationRequestEvent.Change, changed);
    changed();
  }

  function take(request: VerificationRequest, direction: Current['direction'], askedDeviceId: string | null) {
    current?.detach();
    const c: Current = {
      request,
      direction,
      otherDeviceId: request.otherDeviceId ?? askedDeviceId,
      verifier: undefined,
      sas: null,
      confirmedHere: false,
      cancelledHere: false,
      failed: null,
      detach: () => undefined,
    };
    current = c;
    follow(c);
    return c;
  }

  function underWay(): Current | undefined {
    return current && !current.failed && !isFinished(current.request) ? current : undefined;
  }

  function cancelQuietly(request: VerificationRequest, why: string): void {
    request.cancel().catch((error: unknown) => {
      log.warn('could not send the cancellation of a verification request', { why, error: String(error) });
    });
  }

  const received = (request: VerificationRequest) => {
    if (
      !request.isSelfVerification ||
      request.otherUserId !== options.userId ||
      request.roomId !== undefined
    ) {
      // Another user's request: trust between colleagues comes from their trusts' signatures, not from emoji.
      log.info('declined a verification request that is not from one of the clinician’s own desktops');
      cancelQuietly(request, 'not-own-device');
      return;
    }
    if (underWay()) {
      log.info('declined a second verification request while one is under way', {
        otherDeviceId: request.otherDeviceId,
      });
      cancelQuietly(request, 'busy');
      return;
    }
    take(request, 'incoming', null);
  };
  client.on(CryptoEvent.VerificationRequestReceived, received);

  /** Runs an SDK step; if it throws, the verification shows as failed (and the request is cancelled if it lives). */
  async function step(c: Current | undefined, otherDeviceId: string | null, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      log.warn('a verification step failed', { error: String(error) });
      if (c) {
        c.detach();
        c.failed = couldNotSend(c.request.otherDeviceId ?? c.otherDeviceId ?? otherDeviceId);
        if (!isFinished(c.request)) cancelQuietly(c.request, 'step-failed');
      }
      if (!c || current === c) show(c?.failed ?? couldNotSend(otherDeviceId));
      throw error;
    }
  }

  function expect(stepName: string, allowed: (c: Current) => boolean): Current {
    const c = underWay();
    if (!c || !allowed(c)) throw new VerificationStepError(stepName, shown.status);
    return c;
  }

  return {
    async ownDesktops() {
      const devices = (await crypto.getUserDeviceInfo([options.userId])).get(options.userId);
      const desktops: OwnDesktop[] = [];
      for (const device of devices?.values() ?? []) {
        if (device.deviceId === options.deviceId) continue;
        const status = await crypto.getDeviceVerificationStatus(options.userId, device.deviceId);
        desktops.push({
          deviceId: device.deviceId,
          displayName: device.displayName ?? null,
          signedByTrust: status?.crossSigningVerified === true,
          verifiedHere: status?.localVerified === true,
        });
      }
      return desktops.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    },

    async requestWithOwnDevice(deviceId) {
      if (underWay()) throw new VerificationStepError('request a verification', shown.status);
      if (deviceId === options.deviceId) throw new Error('a desktop cannot verify itself');
      await step(undefined, deviceId ?? null, async () => {
        const request =
          deviceId === undefined
            ? await crypto.requestOwnUserVerification()
            : await crypto.requestDeviceVerification(options.userId, deviceId);
        take(request, 'outgoing', deviceId ?? null);
      });
    },

    async accept() {
      const c = expect(
        'accept',
        (it) => it.direction === 'incoming' && it.request.phase === VerificationPhase.Requested,
      );
      await step(c, null, () => c.request.accept());
    },

    async startEmoji() {
      const c = expect('start the emoji', (it) => it.request.phase >= VerificationPhase.Ready);
      if (c.request.phase !== VerificationPhase.Ready) return;
      await step(c, null, async () => {
        attach(c, await c.request.startVerification(VerificationMethod.Sas));
        show(snapshotOf(c));
      });
    },

    async confirmEmojiMatch() {
      const c = expect('confirm the emoji', (it) => it.sas !== null);
      const sas = c.sas;
      if (!sas) return;
      c.confirmedHere = true;
      show(snapshotOf(c));
      await step(c, null, () => sas.confirm());
    },

    async emojiDoNotMatch() {
      const c = expect('reject the emoji', (it) => it.sas !== null);
      c.cancelledHere = true;
      // Sends m.key.verification.cancel with m.mismatched_sas; the request turns Cancelled at once.
      c.sas?.mismatch();
      show(snapshotOf(c));
      await Promise.resolve();
    },

    async cancel() {
      const c = underWay();
      if (!c) return;
      c.cancelledHere = true;
      await step(c, null, () => c.request.cancel());
      show(snapshotOf(c));
    },

    dismiss() {
      if (underWay()) throw new VerificationStepError('dismiss', shown.status);
      current?.detach();
      current = undefined;
      show(idleVerification);
    },

    dispose() {
      client.off(CryptoEvent.VerificationRequestReceived, received);
      const c = underWay();
      current?.detach();
      current = undefined;
      if (c) cancelQuietly(c.request, 'session-stopped');
      show(idleVerification);
    },
  };
}
