// The federation route table as the gateway depends on it: each request a partner's Synapse makes reaches the
// route the gateway knows it by; only this server's keys and version are open without a partner's signature; only
// transactions are read before Synapse. (Which Synapse servlet serves each route is checked against Synapse itself,
// in deploy/test/integration/federationRouteTable.test.ts.)
import { describe, expect, it } from 'vitest';
import { federationRoutes, type FederationRouteName } from './federationRoutes.ts';
import { matchFederationRoute } from './matchFederationRoute.ts';

const v1 = '/_matrix/federation/v1';
const room = '!referral:southmere.nhs.uk';
const user = '@dr:northgate.nhs.uk';

/** Requests a partner's Synapse makes: method, a path as sent, and the route it must reach. */
const partnerRequests: readonly (readonly [string, string, FederationRouteName])[] = [
  ['GET', `${v1}/version`, 'version'],
  ['GET', '/_matrix/key/v2/server', 'serverKeys'],
  ['PUT', `${v1}/send/1764320000000`, 'transaction'],
  ['GET', `${v1}/event/$e1`, 'event'],
  ['GET', `${v1}/state/${room}?event_id=$e1`, 'state'],
  ['GET', `${v1}/state_ids/${room}?event_id=$e1`, 'stateIds'],
  ['GET', `${v1}/backfill/${room}?v=$e1&limit=10`, 'backfill'],
  ['POST', `${v1}/get_missing_events/${room}`, 'missingEvents'],
  ['GET', `${v1}/event_auth/${room}/$e1`, 'eventAuth'],
  ['GET', `${v1}/make_join/${room}/${user}?ver=11`, 'makeJoin'],
  ['PUT', `/_matrix/federation/v2/send_join/${room}/$e1`, 'sendJoin'],
  ['GET', `${v1}/make_leave/${room}/${user}`, 'makeLeave'],
  ['PUT', `/_matrix/federation/v2/send_leave/${room}/$e1`, 'sendLeave'],
  ['PUT', `/_matrix/federation/v2/invite/${room}/$e1`, 'invite'],
  ['GET', `${v1}/query/directory?room_alias=%23ward:northgate.nhs.uk`, 'queryDirectory'],
  ['GET', `${v1}/query/profile?user_id=${user}`, 'queryProfile'],
  ['GET', `${v1}/user/devices/${user}`, 'userDevices'],
  ['POST', `${v1}/user/keys/query`, 'keysQuery'],
  ['POST', `${v1}/user/keys/claim`, 'keysClaim'],
  ['GET', `${v1}/media/download/abc`, 'mediaDownload'],
  ['GET', `${v1}/media/thumbnail/abc?width=96&height=96`, 'mediaThumbnail'],
];

describe('the federation route table, as the gateway depends on it', () => {
  it("routes each request a partner's Synapse makes to the route the gateway knows it by", () => {
    for (const [method, path, name] of partnerRequests) {
      const match = matchFederationRoute(method, path);
      expect(match.outcome === 'route' ? match.route.name : match, `${method} ${path}`).toBe(name);
    }
  });

  it("needs a partner's signature on every route but this server's keys and version", () => {
    for (const route of federationRoutes) {
      expect(route.access, route.template.source).toBe(
        route.name === 'version' || route.name === 'serverKeys' ? 'open' : 'partner',
      );
    }
  });

  it('reads only transactions before Synapse does, streaming everything else', () => {
    for (const route of federationRoutes) {
      expect(route.body, route.template.source).toBe(route.name === 'transaction' ? 'transaction' : 'unread');
    }
  });
});
