// The server-server API routes the federation gateway forwards to Synapse: what a partner trust's Synapse needs to
// share encrypted rooms with this trust, and nothing else. Default deny is this table: a request that matches no
// route here is refused (rules/defaultDeny.ts) whatever Synapse would have done with it. Each route names the
// Synapse servlet that must handle it (synapse/federation/transport/server/federation.py, synapse/rest/key/v2);
// deploy/test/integration/federationRouteTable.test.ts checks every route against Synapse's own route
// registrations, and every Synapse federation route against this table.
//
// One spelling per endpoint: the newest version Synapse sends (v2 send_join, send_leave and invite; Synapse falls
// back to v1 only when a server answers M_UNRECOGNIZED, which a Bleep partner never does), no trailing slash (some
// of Synapse's patterns allow one), no unstable prefix.
//
// Refused, on purpose (not listed):
// - v1 send_join, send_leave, invite: legacy forms of the v2 routes above (see above).
// - make_knock, send_knock: Bleep's rooms are invite-only; nobody knocks.
// - publicRooms, hierarchy: no room is published (allow_public_rooms_over_federation: false), and Bleep has no spaces.
// - timestamp_to_event: jump-to-date is not a client feature of Bleep.
// - exchange_third_party_invite, 3pid/onbind: no invites by e-mail or phone, no identity server.
// - openid/userinfo: it answers anyone holding an OpenID token (no X-Matrix) and only serves widgets and
//   integration managers, which Bleep does not have.
// - query/{anything but directory and profile}, unstable rooms/complexity, account_status, extremities and
//   user/keys/claim: not used by a partner's Synapse with Bleep's configuration (the unstable key claim falls back
//   to v1 on M_UNRECOGNIZED).
// - /_matrix/key/v2/query (notary): Bleep trusts set trusted_key_servers to [], so no partner asks this trust for
//   another server's keys, and the notary's answers would tell a stranger which servers this trust talks to.
// - /_matrix/media/... (legacy media, also on Synapse's federation listener): partners use the authenticated
//   federation media routes below; the legacy ones are what a stranger would use to fetch media unsigned.
// - /.well-known/matrix/server: not served by Synapse's federation listener (only with serve_server_wellknown, on
//   a client listener); a trust publishes it, if it needs one, on its own web server.
import type { HttpMethod } from './clientRoutes.ts';
import { parseRouteTemplate, type RouteTemplate } from './routeTemplate.ts';

/** What a federation route does, in the terms the gateway and its metrics speak. */
export type FederationRouteName =
  | 'version'
  | 'serverKeys'
  | 'transaction'
  | 'event'
  | 'state'
  | 'stateIds'
  | 'backfill'
  | 'missingEvents'
  | 'eventAuth'
  | 'makeJoin'
  | 'sendJoin'
  | 'makeLeave'
  | 'sendLeave'
  | 'invite'
  | 'queryDirectory'
  | 'queryProfile'
  | 'userDevices'
  | 'keysQuery'
  | 'keysClaim'
  | 'mediaDownload'
  | 'mediaThumbnail';

export type FederationRoute = Readonly<{
  name: FederationRouteName;
  methods: readonly HttpMethod[];
  template: RouteTemplate;
  /** The Synapse servlet class Synapse routes this path to (checked against Synapse's route table by a test). */
  synapseServlet: string;
  /**
   * 'partner': needs one X-Matrix signature whose origin is an allowed partner (rules/federationPartners.ts).
   * 'open': anyone, no signature: other servers need these to find out who this trust is and verify it.
   */
  access: 'partner' | 'open';
  /** 'transaction': read whole and inspected (federation/transactionBody.ts); 'unread': streamed to Synapse. */
  body: 'transaction' | 'unread';
}>;

type RouteSpec = Omit<FederationRoute, 'template' | 'access' | 'body'> &
  Partial<Pick<FederationRoute, 'access' | 'body'>> & { path: string };

function route({ path, access = 'partner', body = 'unread', ...rest }: RouteSpec): FederationRoute {
  return { ...rest, access, body, template: parseRouteTemplate(path) };
}

const v1 = '/_matrix/federation/v1';
const v2 = '/_matrix/federation/v2';

export const federationRoutes: readonly FederationRoute[] = [
  // Open: which server software answers, and this trust's signing keys (how a partner verifies its signatures).
  route({
    name: 'version',
    methods: ['GET'],
    path: `${v1}/version`,
    synapseServlet: 'FederationVersionServlet',
    access: 'open',
  }),
  route({
    name: 'serverKeys',
    methods: ['GET'],
    path: '/_matrix/key/v2/server',
    synapseServlet: 'LocalKey',
    access: 'open',
  }),

  // Events arriving: a partner delivers its events and EDUs (typing, receipts, device list updates, to-device
  // messages) in transactions. Read whole, so plaintext a partner delivers is reported (partnerPlaintext.ts).
  route({
    name: 'transaction',
    methods: ['PUT'],
    path: `${v1}/send/{txnId}`,
    synapseServlet: 'FederationSendServlet',
    body: 'transaction',
  }),

  // Filling gaps: a partner fetches events, room state and auth chains it missed (after downtime, or to check an
  // event it received).
  route({
    name: 'event',
    methods: ['GET'],
    path: `${v1}/event/{eventId}`,
    synapseServlet: 'FederationEventServlet',
  }),
  route({
    name: 'state',
    methods: ['GET'],
    path: `${v1}/state/{roomId}`,
    synapseServlet: 'FederationStateV1Servlet',
  }),
  route({
    name: 'stateIds',
    methods: ['GET'],
    path: `${v1}/state_ids/{roomId}`,
    synapseServlet: 'FederationStateIdsServlet',
  }),
  route({
    name: 'backfill',
    methods: ['GET'],
    path: `${v1}/backfill/{roomId}`,
    synapseServlet: 'FederationBackfillServlet',
  }),
  route({
    name: 'missingEvents',
    methods: ['POST'],
    path: `${v1}/get_missing_events/{roomId}`,
    synapseServlet: 'FederationGetMissingEventsServlet',
  }),
  route({
    name: 'eventAuth',
    methods: ['GET'],
    path: `${v1}/event_auth/{roomId}/{eventId}`,
    synapseServlet: 'FederationEventAuthServlet',
  }),

  // Membership across trusts: a partner's clinician joins or leaves a room here, or is invited to one.
  route({
    name: 'makeJoin',
    methods: ['GET'],
    path: `${v1}/make_join/{roomId}/{userId}`,
    synapseServlet: 'FederationMakeJoinServlet',
  }),
  route({
    name: 'sendJoin',
    methods: ['PUT'],
    path: `${v2}/send_join/{roomId}/{eventId}`,
    synapseServlet: 'FederationV2SendJoinServlet',
  }),
  route({
    name: 'makeLeave',
    methods: ['GET'],
    path: `${v1}/make_leave/{roomId}/{userId}`,
    synapseServlet: 'FederationMakeLeaveServlet',
  }),
  route({
    name: 'sendLeave',
    methods: ['PUT'],
    path: `${v2}/send_leave/{roomId}/{eventId}`,
    synapseServlet: 'FederationV2SendLeaveServlet',
  }),
  route({
    name: 'invite',
    methods: ['PUT'],
    path: `${v2}/invite/{roomId}/{eventId}`,
    synapseServlet: 'FederationV2InviteServlet',
  }),

  // Lookups a partner's clinicians make: a room alias here, and a clinician's display name and avatar.
  route({
    name: 'queryDirectory',
    methods: ['GET'],
    path: `${v1}/query/directory`,
    synapseServlet: 'FederationQueryServlet',
  }),
  route({
    name: 'queryProfile',
    methods: ['GET'],
    path: `${v1}/query/profile`,
    synapseServlet: 'FederationQueryServlet',
  }),

  // End-to-end encryption: a partner's clients need this trust's clinicians' devices, device keys and one-time
  // keys to encrypt for them.
  route({
    name: 'userDevices',
    methods: ['GET'],
    path: `${v1}/user/devices/{userId}`,
    synapseServlet: 'FederationUserDevicesQueryServlet',
  }),
  route({
    name: 'keysQuery',
    methods: ['POST'],
    path: `${v1}/user/keys/query`,
    synapseServlet: 'FederationClientKeysQueryServlet',
  }),
  route({
    name: 'keysClaim',
    methods: ['POST'],
    path: `${v1}/user/keys/claim`,
    synapseServlet: 'FederationClientKeysClaimServlet',
  }),

  // Attachments (encrypted files) and avatars that a partner's clinician opens, over authenticated federation media.
  route({
    name: 'mediaDownload',
    methods: ['GET'],
    path: `${v1}/media/download/{mediaId}`,
    synapseServlet: 'FederationMediaDownloadServlet',
  }),
  route({
    name: 'mediaThumbnail',
    methods: ['GET'],
    path: `${v1}/media/thumbnail/{mediaId}`,
    synapseServlet: 'FederationMediaThumbnailServlet',
  }),
];
