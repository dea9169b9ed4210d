// Decides what a request to the homeserver is, in the terms the policy rules speak (create a room, send an event,
// back up keys...). It matches what Synapse would route, whatever the spelling: percent-encoding, any API version
// prefix, repeated slashes, letter case. Anything it cannot read is "malformed", never "passthrough".

export type ClassifiedRequest =
  | Readonly<{ kind: 'keyBackup'; isVersionLookup: boolean }>
  | Readonly<{ kind: 'dehydratedDevice' }>
  | Readonly<{ kind: 'accountData'; eventType: string }>
  | Readonly<{ kind: 'createRoom' }>
  | Readonly<{ kind: 'sendEvent'; roomId: string; eventType: string }>
  | Readonly<{ kind: 'stateEvent'; roomId: string; eventType: string; stateKey: string }>
  | Readonly<{ kind: 'invite'; roomId: string }>
  | Readonly<{ kind: 'login' }>
  | Readonly<{ kind: 'register'; guest: boolean }>
  | Readonly<{ kind: 'directoryVisibility'; roomId: string }>
  | Readonly<{ kind: 'displayName'; userId: string }>
  | Readonly<{ kind: 'toDevice'; eventType: string }>
  /** Setting a pusher: where Synapse sends a notice of every message (rules/contentFreePush.ts). */
  | Readonly<{ kind: 'pusher' }>
  /** A request whose JSON body has free-text fields the server keeps in plaintext (reasons, presence status). */
  | Readonly<{ kind: 'freeText'; fields: readonly string[] }>
  | Readonly<{ kind: 'synapseAdmin' }>
  | Readonly<{ kind: 'federation'; open: boolean }>
  | Readonly<{ kind: 'passthrough' }>
  | Readonly<{ kind: 'malformed'; reason: string }>;

/** Decodes and splits a request path; undefined when it is not valid percent-encoding. */
export function pathSegments(rawPath: string): string[] | undefined {
  const path = rawPath.split('?')[0] ?? '';
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue; // "//" routes nowhere in Synapse; treat it as "/" so it cannot dodge a rule.
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
  }
  return segments;
}

/** Segments compared case-insensitively: over-matching a forbidden endpoint refuses it, which is the safe side. */
function is(segment: string | undefined, expected: string): boolean {
  return segment?.toLowerCase() === expected;
}

function classifyClient(method: string, rest: readonly string[], query: URLSearchParams): ClassifiedRequest {
  // rest is everything after /_matrix/client/<version>/
  const [first, second, third, fourth, fifth] = rest;
  if (is(first, 'room_keys'))
    return { kind: 'keyBackup', isVersionLookup: method === 'GET' && is(second, 'version') };
  // MSC3814 dehydrated devices keep a device's keys on the server (under an unstable prefix today).
  if (rest.some((segment) => segment.toLowerCase().endsWith('dehydrated_device')))
    return { kind: 'dehydratedDevice' };
  if (is(first, 'user') && second !== undefined) {
    // /user/{userId}/account_data/{type} and /user/{userId}/rooms/{roomId}/account_data/{type}
    if (is(third, 'account_data') && fourth !== undefined) return { kind: 'accountData', eventType: fourth };
    if (is(third, 'rooms') && is(fifth, 'account_data') && rest[5] !== undefined) {
      return { kind: 'accountData', eventType: rest[5] };
    }
  }
  if (method === 'POST' && is(first, 'createroom') && rest.length === 1) return { kind: 'createRoom' };
  if (method === 'POST' && is(first, 'login') && rest.length === 1) return { kind: 'login' };
  if (method === 'POST' && is(first, 'register'))
    return { kind: 'register', guest: query.get('kind') === 'guest' };
  if (is(first, 'sendtodevice') && second !== undefined) return { kind: 'toDevice', eventType: second };
  if (is(first, 'profile') && second !== undefined && is(third, 'displayname') && method === 'PUT') {
    return { kind: 'displayName', userId: second };
  }
  if (
    is(first, 'directory') &&
    is(second, 'list') &&
    is(third, 'room') &&
    fourth !== undefined &&
    method === 'PUT'
  ) {
    return { kind: 'directoryVisibility', roomId: fourth };
  }
  if (is(first, 'pushers') && is(second, 'set') && method === 'POST' && rest.length === 2)
    return { kind: 'pusher' };
  if (is(first, 'presence') && is(third, 'status') && method === 'PUT')
    return { kind: 'freeText', fields: ['status_msg'] };
  // Joining or knocking by room id or alias: the optional reason is plaintext for every server in the room.
  if ((is(first, 'join') || is(first, 'knock')) && second !== undefined && method === 'POST')
    return { kind: 'freeText', fields: ['reason'] };
  if (is(first, 'rooms') && second !== undefined) {
    if (
      method === 'POST' &&
      ['join', 'leave', 'kick', 'ban', 'unban', 'knock'].some((verb) => is(third, verb))
    )
      return { kind: 'freeText', fields: ['reason'] };
    if (is(third, 'redact') && method === 'PUT') return { kind: 'freeText', fields: ['reason'] };
    if (is(third, 'report') && method === 'POST') return { kind: 'freeText', fields: ['reason'] };
    if (is(third, 'send') && fourth !== undefined && method === 'PUT') {
      return { kind: 'sendEvent', roomId: second, eventType: fourth };
    }
    if (is(third, 'state') && fourth !== undefined && method === 'PUT') {
      return { kind: 'stateEvent', roomId: second, eventType: fourth, stateKey: rest.slice(4).join('/') };
    }
    if (is(third, 'invite') && method === 'POST') return { kind: 'invite', roomId: second };
  }
  return { kind: 'passthrough' };
}

/** Federation paths that must stay reachable by anyone: server discovery and signing keys. */
function isOpenFederationPath(segments: readonly string[]): boolean {
  if (is(segments[1], 'key')) return true; // /_matrix/key/v2/server, /_matrix/key/v2/query
  return is(segments[1], 'federation') && is(segments[3], 'version') && segments.length === 4;
}

export function classifyRequest(method: string, rawPath: string): ClassifiedRequest {
  const segments = pathSegments(rawPath);
  if (!segments) return { kind: 'malformed', reason: 'the request path is not valid percent-encoding' };
  if (segments.some((segment) => segment.includes('\0'))) {
    return { kind: 'malformed', reason: 'the request path contains a NUL byte' };
  }
  const verb = method.toUpperCase();
  if (is(segments[0], '_synapse') && is(segments[1], 'admin')) return { kind: 'synapseAdmin' };
  if (is(segments[0], '.well-known') && is(segments[1], 'matrix') && is(segments[2], 'server')) {
    return { kind: 'federation', open: true };
  }
  if (!is(segments[0], '_matrix')) return { kind: 'passthrough' };
  if (is(segments[1], 'federation') || is(segments[1], 'key')) {
    return { kind: 'federation', open: isOpenFederationPath(segments) };
  }
  if (is(segments[1], 'client') && segments[2] !== undefined) {
    const query = new URLSearchParams(rawPath.includes('?') ? rawPath.slice(rawPath.indexOf('?') + 1) : '');
    return classifyClient(verb, segments.slice(3), query);
  }
  return { kind: 'passthrough' };
}
