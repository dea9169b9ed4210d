// Genuinely old events on a stack that started minutes ago: the local stack's test-only application service
// (deploy/local/src/testAppService.ts) sends events dated in the past (`?ts=`, the spec's timestamp massaging),
// straight to Synapse's internal port (the gateway refuses its token: its users have no enrolled device).
import { randomBytes } from 'node:crypto';
import { testAppServiceUserPrefix } from '../../local/src/testAppService.ts';
import type { RunningTrust } from '../../local/src/stackStatus.ts';

export type BackdatingUser = Readonly<{ trust: RunningTrust; userId: string }>;

async function asService<T>(trust: RunningTrust, method: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${trust.synapseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${trust.testAppServiceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  if (response.status !== 200) {
    throw new Error(`${method} ${path.split('?')[0] ?? ''}: ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer;
}

/** Registers a new user in the service's namespace. */
export async function newBackdatingUser(trust: RunningTrust, label: string): Promise<BackdatingUser> {
  const localpart = `${testAppServiceUserPrefix}${label}-${randomBytes(4).toString('hex')}`;
  const { user_id: userId } = await asService<{ user_id: string }>(
    trust,
    'POST',
    '/_matrix/client/v3/register',
    {
      type: 'm.login.application_service',
      username: localpart,
      inhibit_login: true,
    },
  );
  return { trust, userId };
}

const actingAs = (user: BackdatingUser, extra = ''): string =>
  `user_id=${encodeURIComponent(user.userId)}${extra}`;

export async function createBackdatedRoom(user: BackdatingUser, name: string): Promise<string> {
  const { room_id: roomId } = await asService<{ room_id: string }>(
    user.trust,
    'POST',
    `/_matrix/client/v3/createRoom?${actingAs(user)}`,
    { preset: 'private_chat', name },
  );
  return roomId;
}

/** Sends a plaintext message dated `sentAt` (ms since the epoch); returns its event id. */
export async function sendDated(
  user: BackdatingUser,
  roomId: string,
  body: string,
  sentAt: number,
): Promise<string> {
  const txnId = randomBytes(8).toString('hex');
  const { event_id: eventId } = await asService<{ event_id: string }>(
    user.trust,
    'PUT',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txnId}?${actingAs(user, `&ts=${sentAt}`)}`,
    { msgtype: 'm.text', body },
  );
  return eventId;
}
