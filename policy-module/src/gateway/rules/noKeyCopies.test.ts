import { describe, expect, it } from 'vitest';
import { noKeyCopies } from './noKeyCopies.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const check = (method: string, path: string) => noKeyCopies.check(ruleRequest(method, path), ruleContext());

describe('rule: no copies of keys', () => {
  it('answers a backup lookup as "no backup", so clients run without one', () => {
    expect(check('GET', '/_matrix/client/v3/room_keys/version')).toMatchObject({
      outcome: 'refuse',
      error: {
        status: 404,
        errcode: 'M_NOT_FOUND',
        rule: 'no-key-copies',
        message: expect.stringContaining('No backup') as string,
      },
    });
  });

  it('refuses secret storage and cross-signing secrets in account data, but not other account data', () => {
    for (const type of [
      'm.secret_storage.default_key',
      'm.secret_storage.key.abc',
      'm.cross_signing.master',
      'm.megolm_backup.v1',
      'org.matrix.msc3814.dehydrated_device_key',
    ]) {
      expect(check('PUT', `/_matrix/client/v3/user/@a:x/account_data/${type}`), type).toMatchObject({
        outcome: 'refuse',
        error: {
          rule: 'no-key-copies',
          message: expect.stringContaining(`Secret storage (${type})`) as string,
        },
      });
      expect(
        check('PUT', `/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/${type}`),
        type,
      ).toMatchObject({
        outcome: 'refuse',
      });
    }
    expect(check('PUT', '/_matrix/client/v3/user/@a:x/account_data/m.direct')).toEqual({ outcome: 'allow' });
    expect(check('GET', '/_matrix/client/v3/user/@a:x/account_data/m.secret_storage.default_key')).toEqual({
      outcome: 'allow',
    });
  });

  it('reads the account data type as Synapse decodes it', () => {
    expect(
      check('PUT', '/_matrix/client/v3/user/@a:x/account_data/m.secret%5Fstorage.default_key'),
    ).toMatchObject({
      outcome: 'refuse',
    });
  });

  it('refuses secret requests and secret sends to other devices, but not room keys', () => {
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.secret.request/t1')).toMatchObject({
      outcome: 'refuse',
      error: { rule: 'no-key-copies', message: expect.stringContaining('secrets') as string },
    });
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.secret%2Esend/t2')).toMatchObject({
      outcome: 'refuse',
    });
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.room.encrypted/t3')).toEqual({ outcome: 'allow' });
  });
});
