import { describe, expect, it } from 'vitest';
import { noKeyCopies } from './noKeyCopies.ts';
import { ruleContext, ruleRequest } from './ruleTestContext.ts';

const check = (method: string, path: string) => noKeyCopies.check(ruleRequest(method, path), ruleContext());

describe('rule: no copies of keys', () => {
  it('refuses creating a server-side key backup', () => {
    expect(check('POST', '/_matrix/client/v3/room_keys/version')).toMatchObject({
      outcome: 'refuse',
      error: { status: 403, errcode: 'M_FORBIDDEN', rule: 'no-key-copies' },
    });
    expect(check('PUT', '/_matrix/client/v3/room_keys/keys?version=1')).toMatchObject({ outcome: 'refuse' });
  });

  it('answers a backup lookup as "no backup", so clients run without one', () => {
    expect(check('GET', '/_matrix/client/v3/room_keys/version')).toMatchObject({
      outcome: 'refuse',
      error: { status: 404, errcode: 'M_NOT_FOUND' },
    });
  });

  it('refuses secret storage and cross-signing secrets in account data, but not other account data', () => {
    for (const type of [
      'm.secret_storage.default_key',
      'm.secret_storage.key.abc',
      'm.cross_signing.master',
      'm.megolm_backup.v1',
    ]) {
      expect(check('PUT', `/_matrix/client/v3/user/@a:x/account_data/${type}`)).toMatchObject({
        outcome: 'refuse',
      });
    }
    expect(check('PUT', '/_matrix/client/v3/user/@a:x/account_data/m.direct')).toEqual({ outcome: 'allow' });
    expect(check('GET', '/_matrix/client/v3/user/@a:x/account_data/m.secret_storage.default_key')).toEqual({
      outcome: 'allow',
    });
  });

  it('refuses a dehydrated device (keys parked on the server), under any prefix', () => {
    expect(check('PUT', '/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device')).toMatchObject({
      outcome: 'refuse',
    });
    expect(check('GET', '/_matrix/client/v1/dehydrated_device')).toMatchObject({ outcome: 'refuse' });
  });

  it('refuses secret requests and secret sends to other devices, but not room keys', () => {
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.secret.request/t1')).toMatchObject({
      outcome: 'refuse',
    });
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.secret.send/t2')).toMatchObject({
      outcome: 'refuse',
    });
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.room.encrypted/t3')).toEqual({ outcome: 'allow' });
  });
});
