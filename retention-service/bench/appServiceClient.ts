// The bench's client for the runner's test-only application service (deploy/local/src/testAppService.ts): it acts
// as any @bleep-backdated-* user (`?user_id=`) and may date the events it sends (`?ts=`, timestamp massaging), so
// days of history are seeded in minutes. It talks to Synapse's internal listener only.
import { testAppServiceUserPrefix } from '../../deploy/local/src/testAppService.ts';

export type AppServiceClient = Readonly<{
  userId: (index: number) => string;
  register: (index: number) => Promise<void>;
  createRoom: (creator: number, body: Readonly<Record<string, unknown>>) => Promise<string>;
  join: (user: number, roomId: string) => Promise<void>;
  send: (
    user: number,
    roomId: string,
    type: string,
    txnId: string,
    content: Readonly<Record<string, unknown>>,
    ts: number,
  ) => Promise<void>;
}>;

export class AppServiceRequestError extends Error {
  override readonly name = 'AppServiceRequestError';
}

export function createAppServiceClient(
  synapseUrl: string,
  token: string,
  serverName: string,
): AppServiceClient {
  const localpart = (index: number): string => `${testAppServiceUserPrefix}bench-${index}`;
  const userId = (index: number): string => `@${localpart(index)}:${serverName}`;

  async function call(
    method: string,
    path: string,
    query: Readonly<Record<string, string>>,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const url = new URL(path, synapseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok) return answer;
      // Synapse answers 429 or 5xx now and then under a seeding burst; anything else is a bench bug.
      if ((response.status === 429 || response.status >= 500) && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        continue;
      }
      const errcode = typeof answer.errcode === 'string' ? answer.errcode : '';
      const error = typeof answer.error === 'string' ? answer.error : '';
      throw new AppServiceRequestError(
        `${method} ${url.pathname}: HTTP ${response.status} ${errcode} ${error}`,
      );
    }
  }

  return {
    userId,
    async register(index) {
      try {
        await call(
          'POST',
          '/_matrix/client/v3/register',
          {},
          {
            type: 'm.login.application_service',
            username: localpart(index),
            inhibit_login: true,
          },
        );
      } catch (error) {
        if (!(error instanceof AppServiceRequestError && error.message.includes('M_USER_IN_USE')))
          throw error;
      }
    },
    async createRoom(creator, body) {
      const answer = await call('POST', '/_matrix/client/v3/createRoom', { user_id: userId(creator) }, body);
      if (typeof answer.room_id !== 'string') throw new AppServiceRequestError('createRoom gave no room_id');
      return answer.room_id;
    },
    async join(user, roomId) {
      await call(
        'POST',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/join`,
        { user_id: userId(user) },
        {},
      );
    },
    async send(user, roomId, type, txnId, content, ts) {
      await call(
        'PUT',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`,
        { user_id: userId(user), ts: String(ts) },
        content,
      );
    },
  };
}
