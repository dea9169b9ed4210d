// The ways the client core fails that a person must be told apart, each a typed class with a stable code: the
// renderer words its screen by the code, the session store keeps only the plain `problem` (never the class), and
// tests assert the class. Messages are sentences a clinician can act on; none carries a password, token or content.

export type ClientErrorCode =
  | 'wrong-password'
  | 'account-deactivated'
  | 'unknown-server'
  | 'device-not-enrolled'
  | 'enrolment-refused'
  | 'rate-limited'
  | 'server-down'
  | 'session-ended'
  | 'session-expired'
  | 'another-clinician-data'
  | 'session-not-restorable'
  | 'secret-store-locked'
  | 'identity-changed'
  | 'weak-pin'
  | 'invalid-nhs-number'
  | 'invalid-referral'
  | 'unexpected-answer';

/** What the stores keep of an error: plain data a view can show and a test can compare. */
export type ClientProblem = Readonly<{ code: ClientErrorCode; message: string; retryAfterMs?: number }>;

export abstract class BleepClientError extends Error {
  abstract readonly code: ClientErrorCode;

  toProblem(): ClientProblem {
    return { code: this.code, message: this.message };
  }
}

/** The homeserver refused the username and password (Synapse does not say which of the two is wrong). */
export class WrongPasswordError extends BleepClientError {
  override readonly name = 'WrongPasswordError';
  readonly code = 'wrong-password';
  constructor() {
    super('The username or password is not right. Check them and try again.');
  }
}

export class AccountDeactivatedError extends BleepClientError {
  override readonly name = 'AccountDeactivatedError';
  readonly code = 'account-deactivated';
  constructor() {
    super('This account has been deactivated by the trust. Contact trust IT.');
  }
}

/**
 * The address is not a Bleep trust server: its name does not resolve, or something answers there that is not a
 * Bleep gateway (a bare homeserver, another web server).
 */
export class UnknownServerError extends BleepClientError {
  override readonly name = 'UnknownServerError';
  readonly code = 'unknown-server';
  readonly serverUrl: string;
  readonly reason: 'name-not-found' | 'not-a-bleep-server';
  constructor(serverUrl: string, reason: 'name-not-found' | 'not-a-bleep-server') {
    super(
      reason === 'name-not-found'
        ? `No server called ${serverUrl} could be found. Check the address trust IT gave you.`
        : `${serverUrl} is not a Bleep trust server. Check the address trust IT gave you.`,
    );
    this.serverUrl = serverUrl;
    this.reason = reason;
  }
}

/**
 * This computer may not hold a session: it was never enrolled here ('this-desktop'), the gateway refused its sign-in
 * ('sign-in': not enrolled, revoked, or its credential does not match; the gateway deliberately does not say which),
 * or trust IT revoked it while signed in ('session').
 */
export class DeviceNotEnrolledError extends BleepClientError {
  override readonly name = 'DeviceNotEnrolledError';
  readonly code = 'device-not-enrolled';
  readonly detectedAt: 'this-desktop' | 'sign-in' | 'session';
  constructor(detectedAt: 'this-desktop' | 'sign-in' | 'session') {
    super(
      detectedAt === 'session'
        ? 'This computer is no longer enrolled with the trust, so you have been signed out. Contact trust IT.'
        : 'This computer is not enrolled with the trust, or its enrolment was revoked. Ask trust IT to enrol it.',
    );
    this.detectedAt = detectedAt;
  }
}

/** The gateway would not exchange the enrolment code for a device credential. */
export class EnrolmentRefusedError extends BleepClientError {
  override readonly name = 'EnrolmentRefusedError';
  readonly code = 'enrolment-refused';
  readonly reason: 'code-not-valid' | 'invalid-device-id';
  constructor(reason: 'code-not-valid' | 'invalid-device-id') {
    super(
      reason === 'invalid-device-id'
        ? 'This device name is not valid: use the device ID trust IT gave you.'
        : 'This enrolment code is not valid for this device, has expired or was used already. Ask trust IT for a new one.',
    );
    this.reason = reason;
  }
}

export class RateLimitedError extends BleepClientError {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate-limited';
  readonly retryAfterMs: number | null;
  constructor(retryAfterMs: number | null) {
    super(
      retryAfterMs === null
        ? 'Too many attempts: wait a little, then try again.'
        : `Too many attempts: try again in ${Math.ceil(retryAfterMs / 1000)} seconds.`,
    );
    this.retryAfterMs = retryAfterMs;
  }

  override toProblem(): ClientProblem {
    return this.retryAfterMs === null
      ? super.toProblem()
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** The trust's server cannot be reached now, or its gateway cannot reach the homeserver behind it. */
export class ServerDownError extends BleepClientError {
  override readonly name = 'ServerDownError';
  readonly code = 'server-down';
  readonly reason: 'unreachable' | 'timeout' | 'homeserver-unavailable';
  constructor(reason: 'unreachable' | 'timeout' | 'homeserver-unavailable') {
    super("The trust's server is not answering just now. Try again shortly.");
    this.reason = reason;
  }
}

/** The server ended this session (signed out elsewhere, or by trust IT): sign in again. */
export class SessionEndedError extends BleepClientError {
  override readonly name = 'SessionEndedError';
  readonly code = 'session-ended';
  constructor() {
    super('Your session has ended. Sign in again.');
  }
}

/**
 * The session lived its time (its refresh token expired, or the trust's session lifetime ran out): the server keeps
 * this device, so the clinician signs in again on it and finds everything as they left it. Matrix's soft logout.
 */
export class SessionExpiredError extends BleepClientError {
  override readonly name = 'SessionExpiredError';
  readonly code = 'session-expired';
  constructor() {
    super('Your session has expired. Sign in again: your messages are kept on this computer.');
  }
}

/**
 * Someone in the room has a new signing identity this clinician has not acknowledged (a reset by their trust, or a
 * homeserver replacing it), or this clinician's own identity at the server is not the trust's: nothing is sent until
 * the clinician has checked with the colleague (or trust IT) and acknowledged it, so no room key reaches a device the
 * new identity vouches for.
 */
export class IdentityChangedError extends BleepClientError {
  override readonly name = 'IdentityChangedError';
  readonly code = 'identity-changed';
  readonly userIds: readonly string[];
  constructor(userIds: readonly string[]) {
    super(
      'Not sent: the security identity of someone in this conversation has changed. Check with them (for example by ' +
        'phone) before sending, then acknowledge the change.',
    );
    this.userIds = userIds;
  }
}

/**
 * An NHS number given to tag a message (or to find a patient's messages) is not one: not ten digits, or its last
 * digit is not the Modulus 11 check digit of the first nine. Nothing was sent or searched; the number is not kept
 * in the error (it may be a mistyped real one).
 */
export class InvalidNhsNumberError extends BleepClientError {
  override readonly name = 'InvalidNhsNumberError';
  readonly code = 'invalid-nhs-number';
  constructor() {
    super('That is not a valid NHS number (ten digits, the last a check digit). Check it and try again.');
  }
}

/**
 * A referral that cannot be made as asked: no reason, a reason too long, or a colleague at this clinician's own trust
 * (a referral goes to a partner trust). Nothing was created or sent; the message says which, in words for a person.
 */
export class InvalidReferralError extends BleepClientError {
  override readonly name = 'InvalidReferralError';
  readonly code = 'invalid-referral';
}

/**
 * Someone else signed in on a desktop that still holds the data of a clinician whose session expired. Their archive
 * and outbox are theirs only: the new sign-in was taken back, and nothing of theirs was shown or sent.
 */
export class AnotherClinicianDataError extends BleepClientError {
  override readonly name = 'AnotherClinicianDataError';
  readonly code = 'another-clinician-data';
  constructor() {
    super(
      "This computer still holds another clinician's messages: their session expired. They must sign in again, " +
        'or sign out to erase them, before anyone else can sign in here.',
    );
  }
}

/**
 * A kept session cannot be resumed: its encryption keys lived only in memory (no IndexedDB where the core ran), so
 * this device's identity is gone. The old device was signed out; sign in again to start a new one.
 */
export class SessionNotRestorableError extends BleepClientError {
  override readonly name = 'SessionNotRestorableError';
  readonly code = 'session-not-restorable';
  constructor() {
    super(
      "This computer's encryption keys were not kept, so the previous session was closed. Sign in again.",
    );
  }
}

/** The secret store would not open: the passphrase (or the key the operating system holds) is not the one used. */
export class SecretStoreLockedError extends BleepClientError {
  override readonly name = 'SecretStoreLockedError';
  readonly code = 'secret-store-locked';
  constructor(message = "This computer's Bleep keys could not be unlocked.") {
    super(message);
  }
}

/**
 * On a shared ward desktop each clinician's data is sealed under a key that needs their PIN: one too short to resist
 * a colleague guessing at the keyboard is refused before anything is made with it.
 */
export class WeakPinError extends BleepClientError {
  override readonly name = 'WeakPinError';
  readonly code = 'weak-pin';
  constructor(minimumLength: number) {
    super(
      `Choose a PIN of at least ${minimumLength} characters: it is what keeps your messages yours on this desktop.`,
    );
  }
}

/** An answer none of the above explains: kept with its status and errcode for the log, never its body. */
export class UnexpectedAnswerError extends BleepClientError {
  override readonly name = 'UnexpectedAnswerError';
  readonly code = 'unexpected-answer';
  readonly status: number;
  readonly errcode: string | undefined;
  constructor(status: number, errcode: string | undefined) {
    super(
      `The server gave an unexpected answer (${status}${errcode ? ` ${errcode}` : ''}). Try again shortly.`,
    );
    this.status = status;
    this.errcode = errcode;
  }
}
