import { describe, expect, it } from 'vitest';
import { classifyRequest } from '../classifyRequest.ts';
import { parseXMatrix } from '../xMatrixOrigin.ts';
import { checkFederationPartner } from './federationPartners.ts';

const signed = (origin: string) =>
  `X-Matrix origin="${origin}",destination="northgate.nhs.uk",key="ed25519:a_1",sig="c2ln"`;
const send = classifyRequest('PUT', '/_matrix/federation/v1/send/1');

describe('rule: only partner trusts federate', () => {
  it('lets a partner through and refuses anyone else, naming them', () => {
    expect(checkFederationPartner(send, signed('southmere.nhs.uk'), ['southmere.nhs.uk'])).toEqual({
      origin: 'southmere.nhs.uk',
    });
    const refused = checkFederationPartner(send, signed('evil.example'), ['southmere.nhs.uk']);
    expect(refused.refusal).toMatchObject({
      status: 403,
      errcode: 'M_FORBIDDEN',
      rule: 'federation-partners',
    });
    expect(refused.refusal?.message).toContain('evil.example');
  });

  it('refuses everybody when there are no partners: an empty list is not "allow all"', () => {
    expect(checkFederationPartner(send, signed('southmere.nhs.uk'), []).refusal?.status).toBe(403);
  });

  it('refuses a request with no X-Matrix signature, and one where any of several signatures is a stranger', () => {
    expect(checkFederationPartner(send, undefined, ['southmere.nhs.uk']).refusal).toMatchObject({
      status: 401,
      errcode: 'M_UNAUTHORIZED',
    });
    expect(checkFederationPartner(send, 'Bearer abc', ['southmere.nhs.uk']).refusal?.status).toBe(401);
    expect(
      checkFederationPartner(send, [signed('southmere.nhs.uk'), signed('evil.example')], ['southmere.nhs.uk'])
        .refusal?.status,
    ).toBe(403);
  });

  it('keeps server keys and the version endpoint open to everyone', () => {
    expect(checkFederationPartner(classifyRequest('GET', '/_matrix/key/v2/server'), undefined, [])).toEqual(
      {},
    );
    expect(
      checkFederationPartner(classifyRequest('GET', '/_matrix/federation/v1/version'), undefined, []),
    ).toEqual({});
  });

  it('reads quoted X-Matrix values, including commas and escaped quotes', () => {
    expect(parseXMatrix('X-Matrix origin="a.example:8448",key="ed25519:1",sig="x,y\\"z"')).toEqual({
      origin: 'a.example:8448',
      key: 'ed25519:1',
      sig: 'x,y"z',
    });
    expect(parseXMatrix('X-Matrix origin=bare.example,key=k')).toEqual({ origin: 'bare.example', key: 'k' });
    expect(parseXMatrix('Bearer token')).toBeUndefined();
  });
});
