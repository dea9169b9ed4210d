// The rooms under legal hold, as the trust's gateway lists them (GET /_bleep/legal-holds, answering
// `{ "rooms": [...] }`, with this device's access token). Held rooms are kept past clientDays until released. An
// answer that cannot be had or read (no such route yet, server down, a malformed body) holds nothing: the normal
// limit applies and the next sweep asks again. An error never makes the desktop keep more.
import type { ClientErrorCode } from '../errors/clientErrors.ts';
import { BleepClientError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import type { SessionRecord } from '../session/sessionRecords.ts';

export type LegalHoldAnswer =
  | Readonly<{ status: 'in-force'; roomIds: readonly string[] }>
  | Readonly<{ status: 'unavailable'; problem: ClientErrorCode }>;

/** A room id as Matrix spells it: '!' then an opaque part and, before room version 12, ':server'. */
const roomIdPattern = /^![^\s:]+(:\S+)?$/;

/** The room ids of a well-formed answer, or undefined. */
export function heldRoomIdsIn(body: unknown): readonly string[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const rooms = (body as { rooms?: unknown }).rooms;
  if (!Array.isArray(rooms)) return undefined;
  const roomIds: string[] = [];
  for (const room of rooms as unknown[]) {
    if (typeof room !== 'string' || !roomIdPattern.test(room)) return undefined;
    roomIds.push(room);
  }
  return [...new Set(roomIds)];
}

export async function fetchLegalHolds(
  platform: Pick<Platform, 'fetch' | 'logger'>,
  session: Pick<SessionRecord, 'serverUrl' | 'accessToken'>,
): Promise<LegalHoldAnswer> {
  const log = platform.logger.child('legal-holds');
  try {
    const body = await requestTrustJson(platform, {
      serverUrl: session.serverUrl,
      method: 'GET',
      path: '/_bleep/legal-holds',
      purpose: 'session',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const roomIds = heldRoomIdsIn(body);
    if (roomIds === undefined) {
      log.warn('the legal-hold list is not in the expected shape: nothing is held this sweep');
      return { status: 'unavailable', problem: 'unexpected-answer' };
    }
    return { status: 'in-force', roomIds };
  } catch (error) {
    const problem = error instanceof BleepClientError ? error.code : 'unexpected-answer';
    log.warn('the legal-hold list could not be read: nothing is held this sweep', { problem });
    return { status: 'unavailable', problem };
  }
}
