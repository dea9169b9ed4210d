import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRequest } from './classifyRequest.ts';

describe('request classifier', () => {
  it.each([
    '/_matrix/client/v3/room_keys/keys',
    '/_matrix/client/r0/room_keys/keys/!room:server',
    '/_matrix/client/unstable/room_keys/version',
    '/_matrix/client/v3/room%5Fkeys/keys',
    '/_matrix/client/v3/%72oom_keys/keys',
    '//_matrix//client/v3/room_keys/keys',
    '/_matrix/client/v3/ROOM_KEYS/keys',
    '/_matrix/client/v3/room_keys/keys?version=1',
  ])('sees key backup in %s', (path) => {
    expect(classifyRequest('PUT', path).kind).toBe('keyBackup');
  });

  it('tells a backup version lookup from a backup upload', () => {
    expect(classifyRequest('GET', '/_matrix/client/v3/room_keys/version')).toEqual({
      kind: 'keyBackup',
      isVersionLookup: true,
    });
    expect(classifyRequest('POST', '/_matrix/client/v3/room_keys/version')).toEqual({
      kind: 'keyBackup',
      isVersionLookup: false,
    });
  });

  it('reads room, event type and state key from encoded paths', () => {
    expect(
      classifyRequest('PUT', '/_matrix/client/v3/rooms/%21abc%3Atrust.nhs.uk/send/m.room.message/txn1'),
    ).toEqual({
      kind: 'sendEvent',
      roomId: '!abc:trust.nhs.uk',
      eventType: 'm.room.message',
    });
    expect(classifyRequest('PUT', '/_matrix/client/v3/rooms/!abc:x/state/m.room.member/%40dr%3Ax')).toEqual({
      kind: 'stateEvent',
      roomId: '!abc:x',
      eventType: 'm.room.member',
      stateKey: '@dr:x',
    });
    expect(classifyRequest('PUT', '/_matrix/client/v3/rooms/!abc:x/state/m.room.name')).toMatchObject({
      stateKey: '',
    });
  });

  it('finds secret storage in account data, global or per room', () => {
    expect(
      classifyRequest('PUT', '/_matrix/client/v3/user/%40a%3Ax/account_data/m.secret_storage.default_key'),
    ).toEqual({
      kind: 'accountData',
      eventType: 'm.secret_storage.default_key',
    });
    expect(classifyRequest('PUT', '/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/m.tag')).toEqual({
      kind: 'accountData',
      eventType: 'm.tag',
    });
  });

  it('knows the admin API, the federation API and its open discovery endpoints', () => {
    expect(classifyRequest('GET', '/_synapse/admin/v2/users').kind).toBe('synapseAdmin');
    expect(classifyRequest('GET', '/_synapse/%61dmin/v2/users').kind).toBe('synapseAdmin');
    expect(classifyRequest('GET', '/_matrix/federation/v1/version')).toEqual({
      kind: 'federation',
      open: true,
    });
    expect(classifyRequest('GET', '/_matrix/key/v2/server')).toEqual({ kind: 'federation', open: true });
    expect(classifyRequest('PUT', '/_matrix/federation/v1/send/123')).toEqual({
      kind: 'federation',
      open: false,
    });
    expect(classifyRequest('GET', '/_matrix/federation/v1/version/extra')).toEqual({
      kind: 'federation',
      open: false,
    });
  });

  it('calls a broken percent-encoding malformed instead of passing it through', () => {
    expect(classifyRequest('GET', '/_matrix/client/v3/room_keys/%E0%A4%A').kind).toBe('malformed');
    expect(classifyRequest('GET', '/_matrix/client/v3/sync%00').kind).toBe('malformed');
  });

  it('notices guest registration', () => {
    expect(classifyRequest('POST', '/_matrix/client/v3/register?kind=guest')).toEqual({
      kind: 'register',
      guest: true,
    });
    expect(classifyRequest('POST', '/_matrix/client/v3/register')).toEqual({
      kind: 'register',
      guest: false,
    });
  });

  it('never throws, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'get'),
        fc.string({ maxLength: 200 }),
        (method, path) => {
          expect(typeof classifyRequest(method, path).kind).toBe('string');
        },
      ),
    );
  });

  it('sees key backup however the path is spelt (encoding, case, slashes, version)', () => {
    const spelling = (text: string) =>
      fc
        .array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: text.length, maxLength: text.length })
        .map((choices) =>
          Array.from(text)
            .map((char, index) => {
              const [encode, upper] = choices[index] ?? [false, false];
              const cased = upper ? char.toUpperCase() : char;
              return encode ? `%${cased.charCodeAt(0).toString(16).padStart(2, '0')}` : cased;
            })
            .join(''),
        );
    const slashes = fc.integer({ min: 1, max: 3 }).map((count) => '/'.repeat(count));
    fc.assert(
      fc.property(
        slashes,
        spelling('_matrix'),
        slashes,
        fc.constantFrom('r0', 'v3', 'v1', 'unstable', 'v4'),
        slashes,
        spelling('room_keys'),
        fc.constantFrom('/keys', '/version', '/keys/!r:x', '', '/keys/!r:x/sess'),
        (s1, matrix, s2, version, s3, roomKeys, rest) => {
          const path = `${s1}${matrix}${s2}client/${version}${s3}${roomKeys}${rest}`;
          expect(classifyRequest('PUT', path).kind).toBe('keyBackup');
        },
      ),
    );
  });
});
