// The client route table as the rules and the session check depend on it: each request Bleep's client makes
// reaches the route the rules know it by; only discovery and sign-in go without a session; only uploads stream
// unread. (Which Synapse servlet serves each route is checked against Synapse itself, in
// deploy/test/integration/gatewayRouteTable.test.ts.)
import { describe, expect, it } from 'vitest';
import { clientRoutes, type ClientRouteName } from './clientRoutes.ts';
import { matchClientRoute } from './matchClientRoute.ts';

const v3 = '/_matrix/client/v3';
const room = `${v3}/rooms/!r:northgate.nhs.uk`;
const user = `${v3}/user/@dr:northgate.nhs.uk`;

/** Requests Bleep's client and matrix-js-sdk make: methods, a path as sent, and the route it must reach. */
const clientRequests: readonly (readonly [string, string, ClientRouteName])[] = [
  ['GET', '/_matrix/client/versions', 'versions'],
  ['GET', '/.well-known/matrix/client', 'wellKnown'],
  ['GET', `${v3}/login`, 'loginFlows'],
  ['POST', `${v3}/login`, 'login'],
  ['POST', `${v3}/refresh`, 'refresh'],
  ['POST', `${v3}/logout`, 'logout'],
  ['POST', `${v3}/logout/all`, 'logout'],
  ['GET', `${v3}/account/whoami`, 'whoAmI'],
  ['GET', `${v3}/capabilities`, 'capabilities'],
  ['GET', `${v3}/sync?since=s1&timeout=30000`, 'sync'],
  ['POST', `${user}/filter`, 'filter'],
  ['GET', `${user}/filter/1`, 'filter'],
  ['GET', `${v3}/pushrules/`, 'pushRules'],
  ['GET PUT DELETE', `${v3}/pushrules/global/override/r1`, 'pushRules'],
  ['GET PUT', `${v3}/pushrules/global/override/r1/enabled`, 'pushRules'],
  ['GET', `${v3}/pushers`, 'pushers'],
  ['POST', `${v3}/pushers/set`, 'setPusher'],
  ['GET', `${v3}/notifications`, 'notifications'],
  ['GET PUT', `${user}/account_data/m.direct`, 'accountData'],
  ['GET PUT', `${user}/rooms/!r:northgate.nhs.uk/account_data/m.marked_unread`, 'roomAccountData'],
  ['GET', `${user}/rooms/!r:northgate.nhs.uk/tags`, 'roomTags'],
  ['PUT DELETE', `${user}/rooms/!r:northgate.nhs.uk/tags/u.work`, 'roomTag'],
  ['GET', `${v3}/profile/@dr:northgate.nhs.uk`, 'profile'],
  ['GET PUT', `${v3}/profile/@dr:northgate.nhs.uk/displayname`, 'profileField'],
  ['GET PUT', `${v3}/profile/@dr:northgate.nhs.uk/avatar_url`, 'profileField'],
  ['GET PUT', `${v3}/presence/@dr:northgate.nhs.uk/status`, 'presence'],
  ['POST', `${v3}/createRoom`, 'createRoom'],
  ['POST', `${v3}/join/!r:northgate.nhs.uk`, 'joinRoom'],
  ['POST', `${room}/invite`, 'invite'],
  ['POST', `${room}/join`, 'membership'],
  ['POST', `${room}/leave`, 'membership'],
  ['POST', `${room}/kick`, 'membership'],
  ['POST', `${room}/ban`, 'membership'],
  ['POST', `${room}/unban`, 'membership'],
  ['POST', `${room}/forget`, 'forgetRoom'],
  ['GET', `${v3}/joined_rooms`, 'joinedRooms'],
  ['GET', `${v3}/directory/room/%23ward:northgate.nhs.uk`, 'resolveAlias'],
  ['PUT', `${room}/send/m.room.encrypted/t1`, 'sendEvent'],
  ['GET PUT', `${room}/state/m.room.name`, 'stateEvent'],
  ['GET PUT', `${room}/state/m.room.name/`, 'stateEvent'],
  ['GET', `${room}/state`, 'roomState'],
  ['PUT', `${room}/redact/$e1/t1`, 'redact'],
  ['GET', `${room}/messages?dir=b`, 'readRoom'],
  ['GET', `${room}/context/$e1`, 'readRoom'],
  ['GET', `${room}/event/$e1`, 'readRoom'],
  ['GET', `${room}/members`, 'readRoom'],
  ['GET', `${room}/joined_members`, 'readRoom'],
  ['GET', '/_matrix/client/v1/rooms/!r:northgate.nhs.uk/relations/$e1', 'readRoom'],
  ['GET', '/_matrix/client/v1/rooms/!r:northgate.nhs.uk/relations/$e1/m.thread', 'readRoom'],
  ['GET', '/_matrix/client/v1/rooms/!r:northgate.nhs.uk/relations/$e1/m.annotation/m.reaction', 'readRoom'],
  ['GET', '/_matrix/client/v1/rooms/!r:northgate.nhs.uk/threads', 'readRoom'],
  ['POST', `${room}/read_markers`, 'readMarkers'],
  ['POST', `${room}/receipt/m.read/$e1`, 'receipt'],
  ['PUT', `${room}/typing/@dr:northgate.nhs.uk`, 'typing'],
  ['POST', `${room}/report/$e1`, 'reportEvent'],
  ['POST', `${v3}/keys/upload`, 'keysUpload'],
  ['POST', `${v3}/keys/query`, 'keysQuery'],
  ['POST', `${v3}/keys/claim`, 'keysClaim'],
  ['GET', `${v3}/keys/changes?from=s1&to=s2`, 'keysChanges'],
  ['POST', `${v3}/keys/device_signing/upload`, 'crossSigningUpload'],
  ['POST', `${v3}/keys/signatures/upload`, 'signaturesUpload'],
  ['PUT', `${v3}/sendToDevice/m.room.encrypted/t1`, 'toDevice'],
  ['GET', `${v3}/room_keys/version`, 'keyBackupVersion'],
  ['GET', `${v3}/devices`, 'devices'],
  ['GET PUT DELETE', `${v3}/devices/PC1`, 'device'],
  ['POST', `${v3}/delete_devices`, 'deleteDevices'],
  ['POST', `${v3}/user_directory/search`, 'userDirectory'],
  ['GET', '/_matrix/client/v1/media/config', 'mediaConfig'],
  ['POST', '/_matrix/media/v3/upload?filename=scan.png', 'mediaUpload'],
  ['GET', '/_matrix/client/v1/media/download/northgate.nhs.uk/abc', 'mediaDownload'],
  ['GET', '/_matrix/client/v1/media/download/northgate.nhs.uk/abc/scan.png', 'mediaDownload'],
  ['GET', '/_matrix/client/v1/media/thumbnail/northgate.nhs.uk/abc?width=96&height=96', 'mediaThumbnail'],
];

/** What a client may do before it has a session: find the server and sign in. */
const withoutSession: ReadonlySet<ClientRouteName> = new Set([
  'versions',
  'wellKnown',
  'loginFlows',
  'login',
  // Renewing a refreshable token that may have expired: the refresh token in the body is the credential.
  'refresh',
]);

describe('the client route table, as the rules depend on it', () => {
  it("routes each request Bleep's client makes to the route the rules know it by", () => {
    for (const [methods, path, name] of clientRequests) {
      for (const method of methods.split(' ')) {
        const match = matchClientRoute(method, path);
        expect(match.outcome === 'route' ? match.route.name : match, `${method} ${path}`).toBe(name);
      }
    }
  });

  it('needs a session on every route but finding the server and signing in', () => {
    for (const route of clientRoutes) {
      expect(route.auth, `${route.name} ${route.template.source}`).toBe(
        withoutSession.has(route.name) ? 'none' : 'session',
      );
    }
  });

  it('reads every body whole before the rules, streaming only media uploads unread', () => {
    for (const route of clientRoutes) {
      expect(route.body, `${route.name} ${route.template.source}`).toBe(
        route.name === 'mediaUpload' ? 'media' : 'json',
      );
    }
  });

  it('holds no identity-server route: no third-party ids to bind, look up or verify, and no alias to create', () => {
    // An identity server maps email addresses and phone numbers to Matrix ids outside the trust; Bleep has none.
    for (const [method, path] of [
      ['POST', '/_matrix/identity/v2/lookup'],
      ['GET', '/_matrix/identity/v2/hash_details'],
      ['POST', '/_matrix/identity/v2/account/register'],
      ['GET', `${v3}/account/3pid`],
      ['POST', `${v3}/account/3pid/add`],
      ['POST', `${v3}/account/3pid/bind`],
      ['POST', `${v3}/account/3pid/unbind`],
      ['POST', `${v3}/account/3pid/delete`],
      ['POST', `${v3}/account/3pid/email/requestToken`],
      ['POST', `${v3}/account/3pid/msisdn/requestToken`],
      ['POST', `${v3}/register/email/requestToken`],
      ['POST', `${v3}/account/password/email/requestToken`],
      ['POST', '/_matrix/client/unstable/account/3pid/bind'],
      ['PUT', `${v3}/directory/room/%23ward:northgate.nhs.uk`],
      ['DELETE', `${v3}/directory/room/%23ward:northgate.nhs.uk`],
    ] as const) {
      expect(matchClientRoute(method, path).outcome, `${method} ${path}`).toBe('unrecognised');
    }
  });
});
