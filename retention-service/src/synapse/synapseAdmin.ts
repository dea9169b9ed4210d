// The Synapse calls the retention service makes, on Synapse's internal listener: whether its admin token still
// works, history purge and its status, local media deletion, the remote media cache purge, and acting in a room as
// one of the trust's own members (admin login as that user, then a redaction) to erase what a purge cannot reach. Tokens go in the Authorization
// header and nowhere else: never in an error, a log line or a result.
export type SynapseAdminErrorCode =
  | 'SYNAPSE_UNREACHABLE'
  | 'SYNAPSE_TIMEOUT'
  | 'SYNAPSE_RATE_LIMITED'
  | 'SYNAPSE_REFUSED'
  /** Synapse refused the service's own admin token: revoked, expired, or its account is no longer an admin. */
  | 'SYNAPSE_ADMIN_TOKEN_REJECTED'
  | 'SYNAPSE_UNAVAILABLE'
  | 'SYNAPSE_UNEXPECTED';

export class SynapseAdminError extends Error {
  override readonly name = 'SynapseAdminError';
  readonly code: SynapseAdminErrorCode;
  readonly status: number | undefined;
  readonly errcode: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: SynapseAdminErrorCode,
    message: string,
    details: Readonly<{ status?: number; errcode?: string; retryAfterMs?: number }> = {},
  ) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.errcode = details.errcode;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Worth trying again: Synapse was down, slow, busy or rate-limiting; a refusal is not. */
  get retryable(): boolean {
    return (
      this.code !== 'SYNAPSE_REFUSED' &&
      this.code !== 'SYNAPSE_ADMIN_TOKEN_REJECTED' &&
      this.code !== 'SYNAPSE_UNEXPECTED'
    );
  }
}

export type PurgeStatus = Readonly<{ status: 'active' | 'complete' | 'failed'; error?: string }>;

export interface SynapseAdmin {
  /**
   * Resolves when Synapse takes the service's admin token as a server admin's; a SynapseAdminError with
   * SYNAPSE_ADMIN_TOKEN_REJECTED when it is revoked, expired or no longer an admin's.
   */
  verifyAdminToken(): Promise<void>;
  /** Starts a history purge of the room's events below `upToEventId`, local users' events included. */
  purgeHistory(roomId: string, upToEventId: string): Promise<string>;
  purgeStatus(purgeId: string): Promise<PurgeStatus>;
  /** A short-lived token to act as a local user (no device is made). */
  loginAs(userId: string, validUntil: Date): Promise<string>;
  /** Ends a token from loginAs, so no session outlives the run. */
  logout(accessToken: string): Promise<void>;
  redact(
    accessToken: string,
    roomId: string,
    eventId: string,
    txnId: string,
    content: Readonly<Record<string, unknown>>,
  ): Promise<string>;
  /** Deletes local media and its thumbnails; 'already-gone' when Synapse no longer has it. */
  deleteLocalMedia(serverName: string, mediaId: string): Promise<'deleted' | 'already-gone'>;
  /** Purges cached remote media last accessed before `before`; answers how many were deleted. */
  purgeRemoteMediaCache(before: Date): Promise<number>;
}

export type SynapseAdminOptions = Readonly<{
  /** Synapse's internal listener (with the admin API), never the gateway's public address. */
  baseUrl: string;
  adminToken: string;
  fetch: typeof fetch;
  timeoutMs: number;
}>;

type Json = Record<string, unknown>;

function describe(method: string, path: string): string {
  // The path names rooms and events, never content; the query string (before_ts) is kept out of messages.
  return `${method} ${path.split('?')[0] ?? path}`;
}

export function createSynapseAdmin(options: SynapseAdminOptions): SynapseAdmin {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(
    method: string,
    path: string,
    token: string,
    body?: Json,
  ): Promise<{ status: number; body: Json }> {
    const what = describe(method, path);
    let response: Response;
    try {
      response = await options.fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new SynapseAdminError('SYNAPSE_TIMEOUT', `${what}: no answer in ${options.timeoutMs} ms`);
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new SynapseAdminError('SYNAPSE_UNREACHABLE', `${what}: ${cause}`);
    }
    const text = await response.text();
    let parsed: Json = {};
    try {
      const value: unknown = text === '' ? {} : JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Json;
    } catch {
      // Not JSON: a proxy's error page, or Synapse starting. Judged by the status below.
    }
    if (response.ok) return { status: response.status, body: parsed };
    const errcode = typeof parsed.errcode === 'string' ? parsed.errcode : undefined;
    const error = typeof parsed.error === 'string' ? parsed.error : `HTTP ${response.status}`;
    const details = { status: response.status, ...(errcode ? { errcode } : {}) };
    if (response.status === 429) {
      const retryAfterMs = typeof parsed.retry_after_ms === 'number' ? parsed.retry_after_ms : undefined;
      throw new SynapseAdminError('SYNAPSE_RATE_LIMITED', `${what}: rate-limited`, {
        ...details,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (response.status >= 500) {
      throw new SynapseAdminError('SYNAPSE_UNAVAILABLE', `${what}: ${error}`, details);
    }
    // 401 is Synapse's answer to a token it does not know (revoked, or past its valid_until_ms: then soft_logout).
    // For the service's own admin token that stops every purge until trust IT mints a new one, so it has a code of
    // its own; a member's token from loginAs stays a plain refusal.
    if (response.status === 401 && token === options.adminToken) {
      const expired = parsed.soft_logout === true ? ', expired' : '';
      throw new SynapseAdminError(
        'SYNAPSE_ADMIN_TOKEN_REJECTED',
        `${what}: Synapse refused the retention service's admin token (${errcode ?? 'HTTP 401'}${expired})`,
        details,
      );
    }
    throw new SynapseAdminError('SYNAPSE_REFUSED', `${what}: ${errcode ?? ''} ${error}`.trim(), details);
  }

  const admin = (method: string, path: string, body?: Json) => call(method, path, options.adminToken, body);
  const enc = encodeURIComponent;

  function stringField(body: Json, field: string, what: string): string {
    const value = body[field];
    if (typeof value !== 'string') {
      throw new SynapseAdminError('SYNAPSE_UNEXPECTED', `${what}: no ${field} in Synapse's answer`);
    }
    return value;
  }

  return {
    async verifyAdminToken() {
      const whoami = '/_matrix/client/v3/account/whoami';
      const userId = stringField((await admin('GET', whoami)).body, 'user_id', describe('GET', whoami));
      const path = `/_synapse/admin/v1/users/${enc(userId)}/admin`;
      let isAdmin: unknown;
      try {
        isAdmin = (await admin('GET', path)).body.admin;
      } catch (error) {
        // Synapse answers 403 M_FORBIDDEN to an admin route called by a user who is not an admin.
        if (!(error instanceof SynapseAdminError && error.status === 403)) throw error;
      }
      if (isAdmin !== true) {
        throw new SynapseAdminError(
          'SYNAPSE_ADMIN_TOKEN_REJECTED',
          `${describe('GET', path)}: the retention service's admin token belongs to an account that is not a server admin`,
          { status: 403 },
        );
      }
    },

    async purgeHistory(roomId, upToEventId) {
      const path = `/_synapse/admin/v1/purge_history/${enc(roomId)}`;
      const { body } = await admin('POST', path, {
        delete_local_events: true,
        purge_up_to_event_id: upToEventId,
      });
      return stringField(body, 'purge_id', describe('POST', path));
    },

    async purgeStatus(purgeId) {
      const path = `/_synapse/admin/v1/purge_history_status/${enc(purgeId)}`;
      const { body } = await admin('GET', path);
      const status = body.status;
      if (status !== 'active' && status !== 'complete' && status !== 'failed') {
        throw new SynapseAdminError('SYNAPSE_UNEXPECTED', `${describe('GET', path)}: unknown status`);
      }
      return typeof body.error === 'string' ? { status, error: body.error } : { status };
    },

    async loginAs(userId, validUntil) {
      const path = `/_synapse/admin/v1/users/${enc(userId)}/login`;
      const { body } = await admin('POST', path, { valid_until_ms: validUntil.getTime() });
      return stringField(body, 'access_token', describe('POST', path));
    },

    async logout(accessToken) {
      await call('POST', '/_matrix/client/v3/logout', accessToken, {});
    },

    async redact(accessToken, roomId, eventId, txnId, content) {
      const path = `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`;
      const { body } = await call('PUT', path, accessToken, { ...content });
      return stringField(body, 'event_id', describe('PUT', path));
    },

    async deleteLocalMedia(serverName, mediaId) {
      try {
        await admin('DELETE', `/_synapse/admin/v1/media/${enc(serverName)}/${enc(mediaId)}`);
        return 'deleted';
      } catch (error) {
        if (error instanceof SynapseAdminError && error.status === 404) return 'already-gone';
        throw error;
      }
    },

    async purgeRemoteMediaCache(before) {
      const { body } = await admin(
        'POST',
        `/_synapse/admin/v1/purge_media_cache?before_ts=${before.getTime()}`,
      );
      return typeof body.deleted === 'number' ? body.deleted : 0;
    },
  };
}
