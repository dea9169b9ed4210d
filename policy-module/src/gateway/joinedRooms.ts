// The rooms a session's user is joined to now, asked of Synapse with the session's own access token
// (GET /joined_rooms). The gateway needs no admin token and no read of Synapse's database for it: it learns exactly
// what the client itself could, and so can never tell a client about a room it is not in.
export type JoinedRoomsAnswer =
  | Readonly<{ outcome: 'rooms'; roomIds: readonly string[] }>
  /** Synapse does not know the token (signed out meanwhile). */
  | Readonly<{ outcome: 'unknown-token' }>
  /** Synapse did not answer, or answered something that is not a room list. */
  | Readonly<{ outcome: 'unavailable'; reason: string }>;

export type JoinedRooms = (accessToken: string) => Promise<JoinedRoomsAnswer>;

export function createJoinedRooms(synapseUrl: string, timeoutMs = 5000): JoinedRooms {
  const joinedRoomsUrl = new URL('/_matrix/client/v3/joined_rooms', synapseUrl);
  return async (accessToken) => {
    let response: Response;
    try {
      response = await fetch(joinedRoomsUrl, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return {
        outcome: 'unavailable',
        reason:
          (error as Error).name === 'TimeoutError'
            ? 'Synapse did not answer in time'
            : 'cannot reach Synapse',
      };
    }
    if (response.status === 401) {
      await response.body?.cancel();
      return { outcome: 'unknown-token' };
    }
    const body = (await response.json().catch(() => undefined)) as { joined_rooms?: unknown } | undefined;
    const rooms = body?.joined_rooms;
    if (!response.ok || !Array.isArray(rooms) || !rooms.every((room) => typeof room === 'string')) {
      return { outcome: 'unavailable', reason: `Synapse answered ${response.status} without a room list` };
    }
    return { outcome: 'rooms', roomIds: rooms };
  };
}
