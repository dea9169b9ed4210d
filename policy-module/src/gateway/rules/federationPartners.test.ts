import { describe, expect, it } from 'vitest';
import type { FederationRoute } from '../routes/federationRoutes.ts';
import { matchFederationRoute } from '../routes/matchFederationRoute.ts';
import { checkFederationPartner } from './federationPartners.ts';

const signed = (origin: string) =>
  `X-Matrix origin="${origin}",key="ed25519:a_1",sig="c2ln",destination="northgate.nhs.uk"`;

function routeFor(method: string, path: string): FederationRoute {
  const match = matchFederationRoute(method, path);
  if (match.outcome !== 'route') throw new Error(`${method} ${path} is not in the federation route table`);
  return match.route;
}

const send = routeFor('PUT', '/_matrix/federation/v1/send/1');

describe('rule: only partner trusts federate', () => {
  it('lets a partner through and refuses anyone else, naming only them', () => {
    expect(checkFederationPartner(send, [signed('southmere.nhs.uk')], ['southmere.nhs.uk'])).toEqual({
      outcome: 'partner',
      origin: 'southmere.nhs.uk',
    });
    const refused = checkFederationPartner(
      send,
      [signed('evil.example')],
      ['southmere.nhs.uk', 'eastbury.nhs.uk'],
    );
    expect(refused).toMatchObject({
      outcome: 'refuse',
      origin: 'evil.example',
      error: { status: 403, errcode: 'M_FORBIDDEN', rule: 'federation-partners' },
    });
    const message = refused.outcome === 'refuse' ? refused.error.message : '';
    expect(message).toContain('evil.example');
    expect(message).not.toMatch(/southmere|eastbury/);
  });

  it('refuses everybody when there are no partners: an empty list is not "allow all"', () => {
    expect(checkFederationPartner(send, [signed('southmere.nhs.uk')], [])).toMatchObject({
      outcome: 'refuse',
      error: { status: 403 },
    });
  });

  it('refuses, 401, a request without one unambiguous X-Matrix signature', () => {
    for (const authorization of [
      undefined,
      ['Bearer abc'],
      [signed('southmere.nhs.uk'), signed('evil.example')],
      ['X-Matrix origin=southmere.nhs.uk,key=k,sig=s,origin=evil.example'],
    ]) {
      expect(
        checkFederationPartner(send, authorization, ['southmere.nhs.uk']),
        JSON.stringify(authorization),
      ).toMatchObject({
        outcome: 'refuse',
        origin: undefined,
        error: { status: 401, errcode: 'M_UNAUTHORIZED', rule: 'federation-partners' },
      });
    }
  });

  it('keeps server keys and the version open to everyone, with or without a signature', () => {
    for (const path of ['/_matrix/key/v2/server', '/_matrix/federation/v1/version']) {
      expect(checkFederationPartner(routeFor('GET', path), undefined, [])).toEqual({ outcome: 'open' });
      expect(checkFederationPartner(routeFor('GET', path), [signed('evil.example')], [])).toEqual({
        outcome: 'open',
      });
    }
  });
});
