import { describe, expect, it } from 'vitest';
import { trustHeldIdentity } from './trustHeldIdentity.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const check = (method: string, path: string) =>
  trustHeldIdentity.check(ruleRequest(method, path), ruleContext());

describe('rule: the trust holds clinicians’ signing identities', () => {
  it('refuses a desktop publishing cross-signing keys', () => {
    expect(check('POST', '/_matrix/client/v3/keys/device_signing/upload')).toMatchObject({
      outcome: 'refuse',
      error: { status: 403, errcode: 'M_FORBIDDEN', rule: 'trust-held-identity' },
    });
  });

  it('lets the rest of end-to-end encryption through: device keys, queries, signatures of others', () => {
    for (const path of ['/keys/upload', '/keys/query', '/keys/claim', '/keys/signatures/upload']) {
      expect(check('POST', `/_matrix/client/v3${path}`), path).toEqual({ outcome: 'allow' });
    }
  });
});
