// The client-server and media API routes the gateway forwards to Synapse: what Bleep's desktop client and
// matrix-js-sdk (with rust crypto) use, and nothing else. Default deny is this table: a request that matches no
// route here is refused (rules/defaultDeny.ts), whatever Synapse would have done with it. Each route names the
// Synapse servlet that must handle it; deploy/test/integration/gatewayRouteTable.test.ts checks every route against
// Synapse's own route registrations, and every Synapse route against this table.
//
// Only the versions the client sends are listed (v3; v1 where the spec has only v1). Legacy and unstable
// prefixes (api/v1, r0, unstable/...) reach the same Synapse servlets and are refused, so that no rule depends on
// recognising every spelling of a path.
import { parseRouteTemplate, type RouteTemplate } from './routeTemplate.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What a route does, in the terms the policy rules speak. */
export type ClientRouteName =
  | 'versions'
  | 'wellKnown'
  | 'loginFlows'
  | 'login'
  | 'refresh'
  | 'logout'
  | 'whoAmI'
  | 'capabilities'
  | 'sync'
  | 'filter'
  | 'pushRules'
  | 'pushers'
  | 'setPusher'
  | 'accountData'
  | 'roomAccountData'
  | 'roomTags'
  | 'roomTag'
  | 'profile'
  | 'profileField'
  | 'presence'
  | 'createRoom'
  | 'joinRoom'
  | 'membership'
  | 'invite'
  | 'forgetRoom'
  | 'sendEvent'
  | 'stateEvent'
  | 'roomState'
  | 'redact'
  | 'readRoom'
  | 'readMarkers'
  | 'receipt'
  | 'typing'
  | 'reportEvent'
  | 'joinedRooms'
  | 'resolveAlias'
  | 'notifications'
  | 'keysUpload'
  | 'keysQuery'
  | 'keysClaim'
  | 'keysChanges'
  | 'crossSigningUpload'
  | 'signaturesUpload'
  | 'toDevice'
  | 'devices'
  | 'device'
  | 'deleteDevices'
  | 'userDirectory'
  | 'keyBackupVersion'
  | 'mediaConfig'
  | 'mediaUpload'
  | 'mediaDownload'
  | 'mediaThumbnail';

export type ClientRoute = Readonly<{
  name: ClientRouteName;
  methods: readonly HttpMethod[];
  template: RouteTemplate;
  /** The Synapse servlet class Synapse routes this path to (checked against Synapse's route table by a test). */
  synapseServlet: string;
  /** 'session': needs the access token of a device that is enrolled now; 'none': Synapse needs no token either. */
  auth: 'session' | 'none';
  /** 'json': a body is read whole, checked and parsed; 'media': streamed to Synapse unread (uploads only). */
  body: 'json' | 'media';
}>;

type RouteSpec = Omit<ClientRoute, 'template' | 'auth' | 'body'> &
  Partial<Pick<ClientRoute, 'auth' | 'body'>> & { path: string };

function route({ path, auth = 'session', body = 'json', ...rest }: RouteSpec): ClientRoute {
  return { ...rest, auth, body, template: parseRouteTemplate(path) };
}

const v3 = '/_matrix/client/v3';
const v1 = '/_matrix/client/v1';
const room = `${v3}/rooms/{roomId}`;

export const clientRoutes: readonly ClientRoute[] = [
  // Discovery and sign-in, before a session exists.
  route({
    name: 'versions',
    methods: ['GET'],
    path: '/_matrix/client/versions',
    synapseServlet: 'VersionsRestServlet',
    auth: 'none',
  }),
  route({
    name: 'wellKnown',
    methods: ['GET'],
    path: '/.well-known/matrix/client',
    synapseServlet: 'ClientWellKnownResource',
    auth: 'none',
  }),
  route({
    name: 'loginFlows',
    methods: ['GET'],
    path: `${v3}/login`,
    synapseServlet: 'LoginRestServlet',
    auth: 'none',
  }),
  // POST /login is handled by the gateway's sign-in flow (device enrolment) before Synapse sees it.
  route({
    name: 'login',
    methods: ['POST'],
    path: `${v3}/login`,
    synapseServlet: 'LoginRestServlet',
    auth: 'none',
  }),
  // Refreshable access tokens live 5 minutes (deploy/synapse/homeserver.yaml); matrix-js-sdk renews one here with its
  // refresh token in the body. No session is asked for (the token being replaced may have expired); the desktop's
  // enrolment credential is, and the renewed session must be that desktop's (clientApi/refreshSession.ts). Revoking
  // a desktop deletes its device's refresh tokens.
  route({
    name: 'refresh',
    methods: ['POST'],
    path: `${v3}/refresh`,
    synapseServlet: 'RefreshTokenServlet',
    auth: 'none',
  }),
  route({ name: 'logout', methods: ['POST'], path: `${v3}/logout`, synapseServlet: 'LogoutRestServlet' }),
  route({
    name: 'logout',
    methods: ['POST'],
    path: `${v3}/logout/all`,
    synapseServlet: 'LogoutAllRestServlet',
  }),
  route({
    name: 'whoAmI',
    methods: ['GET'],
    path: `${v3}/account/whoami`,
    synapseServlet: 'WhoamiRestServlet',
  }),
  route({
    name: 'capabilities',
    methods: ['GET'],
    path: `${v3}/capabilities`,
    synapseServlet: 'CapabilitiesRestServlet',
  }),

  // Sync and its filters.
  route({ name: 'sync', methods: ['GET'], path: `${v3}/sync`, synapseServlet: 'SyncRestServlet' }),
  route({
    name: 'filter',
    methods: ['POST'],
    path: `${v3}/user/{userId}/filter`,
    synapseServlet: 'CreateFilterRestServlet',
  }),
  route({
    name: 'filter',
    methods: ['GET'],
    path: `${v3}/user/{userId}/filter/{filterId}`,
    synapseServlet: 'GetFilterRestServlet',
  }),

  // Notifications: push rules stay on the server; pushers are made content-free (rules/contentFreePush.ts).
  route({
    name: 'pushRules',
    methods: ['GET'],
    path: `${v3}/pushrules/`,
    synapseServlet: 'PushRuleRestServlet',
  }),
  route({
    name: 'pushRules',
    methods: ['GET', 'PUT', 'DELETE'],
    path: `${v3}/pushrules/global/{kind}/{ruleId}`,
    synapseServlet: 'PushRuleRestServlet',
  }),
  route({
    name: 'pushRules',
    methods: ['GET', 'PUT'],
    path: `${v3}/pushrules/global/{kind}/{ruleId}/{attribute}`,
    synapseServlet: 'PushRuleRestServlet',
  }),
  route({ name: 'pushers', methods: ['GET'], path: `${v3}/pushers`, synapseServlet: 'PushersRestServlet' }),
  route({
    name: 'setPusher',
    methods: ['POST'],
    path: `${v3}/pushers/set`,
    synapseServlet: 'PushersSetRestServlet',
  }),
  route({
    name: 'notifications',
    methods: ['GET'],
    path: `${v3}/notifications`,
    synapseServlet: 'NotificationsServlet',
  }),

  // Account data (plaintext on the server: rules/accountDataTypes.ts lists the types a client may write).
  route({
    name: 'accountData',
    methods: ['GET', 'PUT'],
    path: `${v3}/user/{userId}/account_data/{eventType}`,
    synapseServlet: 'AccountDataServlet',
  }),
  route({
    name: 'roomAccountData',
    methods: ['GET', 'PUT'],
    path: `${v3}/user/{userId}/rooms/{roomId}/account_data/{eventType}`,
    synapseServlet: 'RoomAccountDataServlet',
  }),
  route({
    name: 'roomTags',
    methods: ['GET'],
    path: `${v3}/user/{userId}/rooms/{roomId}/tags`,
    synapseServlet: 'TagListServlet',
  }),
  route({
    name: 'roomTag',
    methods: ['PUT', 'DELETE'],
    path: `${v3}/user/{userId}/rooms/{roomId}/tags/{tag}`,
    synapseServlet: 'TagServlet',
  }),

  // Profiles and presence: only the spec's two profile fields (custom fields would be free plaintext).
  route({
    name: 'profile',
    methods: ['GET'],
    path: `${v3}/profile/{userId}`,
    synapseServlet: 'ProfileRestServlet',
  }),
  route({
    name: 'profileField',
    methods: ['GET', 'PUT'],
    path: `${v3}/profile/{userId}/displayname`,
    synapseServlet: 'ProfileFieldRestServlet',
  }),
  route({
    name: 'profileField',
    methods: ['GET', 'PUT'],
    path: `${v3}/profile/{userId}/avatar_url`,
    synapseServlet: 'ProfileFieldRestServlet',
  }),
  route({
    name: 'presence',
    methods: ['GET', 'PUT'],
    path: `${v3}/presence/{userId}/status`,
    synapseServlet: 'PresenceStatusRestServlet',
  }),

  // Rooms: creating, joining, membership. The forms Synapse also accepts with a transaction id in the path
  // (PUT .../createRoom/{txnId}, .../invite/{txnId}) are not listed: one spelling per endpoint.
  route({
    name: 'createRoom',
    methods: ['POST'],
    path: `${v3}/createRoom`,
    synapseServlet: 'RoomCreateRestServlet',
  }),
  route({
    name: 'joinRoom',
    methods: ['POST'],
    path: `${v3}/join/{roomIdOrAlias}`,
    synapseServlet: 'JoinRoomAliasServlet',
  }),
  route({
    name: 'invite',
    methods: ['POST'],
    path: `${room}/invite`,
    synapseServlet: 'RoomMembershipRestServlet',
  }),
  ...(['join', 'leave', 'kick', 'ban', 'unban'] as const).map((verb) =>
    route({
      name: 'membership',
      methods: ['POST'],
      path: `${room}/${verb}`,
      synapseServlet: 'RoomMembershipRestServlet',
    }),
  ),
  route({
    name: 'forgetRoom',
    methods: ['POST'],
    path: `${room}/forget`,
    synapseServlet: 'RoomForgetRestServlet',
  }),
  route({
    name: 'joinedRooms',
    methods: ['GET'],
    path: `${v3}/joined_rooms`,
    synapseServlet: 'JoinedRoomsRestServlet',
  }),
  route({
    name: 'resolveAlias',
    methods: ['GET'],
    path: `${v3}/directory/room/{roomAlias}`,
    synapseServlet: 'ClientDirectoryServer',
  }),

  // Events: sending (with a transaction id only, so a retry is never a second message), state, redaction.
  route({
    name: 'sendEvent',
    methods: ['PUT'],
    path: `${room}/send/{eventType}/{txnId}`,
    synapseServlet: 'RoomSendEventRestServlet',
  }),
  route({
    name: 'stateEvent',
    methods: ['GET', 'PUT'],
    path: `${room}/state/{eventType}`,
    synapseServlet: 'RoomStateEventRestServlet',
  }),
  route({
    name: 'stateEvent',
    methods: ['GET', 'PUT'],
    path: `${room}/state/{eventType}/{stateKey?}`,
    synapseServlet: 'RoomStateEventRestServlet',
  }),
  route({
    name: 'roomState',
    methods: ['GET'],
    path: `${room}/state`,
    synapseServlet: 'RoomStateRestServlet',
  }),
  route({
    name: 'redact',
    methods: ['PUT'],
    path: `${room}/redact/{eventId}/{txnId}`,
    synapseServlet: 'RoomRedactEventRestServlet',
  }),

  // Reading a room.
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${room}/messages`,
    synapseServlet: 'RoomMessageListRestServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${room}/context/{eventId}`,
    synapseServlet: 'RoomEventContextServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${room}/event/{eventId}`,
    synapseServlet: 'RoomEventServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${room}/members`,
    synapseServlet: 'RoomMemberListRestServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${room}/joined_members`,
    synapseServlet: 'JoinedRoomMemberListRestServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${v1}/rooms/{roomId}/relations/{eventId}`,
    synapseServlet: 'RelationPaginationServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${v1}/rooms/{roomId}/relations/{eventId}/{relationType}`,
    synapseServlet: 'RelationPaginationServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${v1}/rooms/{roomId}/relations/{eventId}/{relationType}/{eventType}`,
    synapseServlet: 'RelationPaginationServlet',
  }),
  route({
    name: 'readRoom',
    methods: ['GET'],
    path: `${v1}/rooms/{roomId}/threads`,
    synapseServlet: 'ThreadsServlet',
  }),
  route({
    name: 'readMarkers',
    methods: ['POST'],
    path: `${room}/read_markers`,
    synapseServlet: 'ReadMarkerRestServlet',
  }),
  route({
    name: 'receipt',
    methods: ['POST'],
    path: `${room}/receipt/{receiptType}/{eventId}`,
    synapseServlet: 'ReceiptRestServlet',
  }),
  route({
    name: 'typing',
    methods: ['PUT'],
    path: `${room}/typing/{userId}`,
    synapseServlet: 'RoomTypingRestServlet',
  }),
  route({
    name: 'reportEvent',
    methods: ['POST'],
    path: `${room}/report/{eventId}`,
    synapseServlet: 'ReportEventRestServlet',
  }),

  // End-to-end encryption: device keys, cross-signing, to-device messages. Key backup is answered "none"
  // (rules/noKeyCopies.ts) so the SDK runs without one; every other key backup route is simply not here.
  route({
    name: 'keysUpload',
    methods: ['POST'],
    path: `${v3}/keys/upload`,
    synapseServlet: 'KeyUploadServlet',
  }),
  route({
    name: 'keysQuery',
    methods: ['POST'],
    path: `${v3}/keys/query`,
    synapseServlet: 'KeyQueryServlet',
  }),
  route({
    name: 'keysClaim',
    methods: ['POST'],
    path: `${v3}/keys/claim`,
    synapseServlet: 'OneTimeKeyServlet',
  }),
  route({
    name: 'keysChanges',
    methods: ['GET'],
    path: `${v3}/keys/changes`,
    synapseServlet: 'KeyChangesServlet',
  }),
  route({
    name: 'crossSigningUpload',
    methods: ['POST'],
    path: `${v3}/keys/device_signing/upload`,
    synapseServlet: 'SigningKeyUploadServlet',
  }),
  route({
    name: 'signaturesUpload',
    methods: ['POST'],
    path: `${v3}/keys/signatures/upload`,
    synapseServlet: 'SignaturesUploadServlet',
  }),
  route({
    name: 'toDevice',
    methods: ['PUT'],
    path: `${v3}/sendToDevice/{eventType}/{txnId}`,
    synapseServlet: 'SendToDeviceRestServlet',
  }),
  route({
    name: 'keyBackupVersion',
    methods: ['GET'],
    path: `${v3}/room_keys/version`,
    synapseServlet: 'RoomKeysNewVersionServlet',
  }),

  // Devices: a clinician sees and signs out their own desktops.
  route({ name: 'devices', methods: ['GET'], path: `${v3}/devices`, synapseServlet: 'DevicesRestServlet' }),
  route({
    name: 'device',
    methods: ['GET', 'PUT', 'DELETE'],
    path: `${v3}/devices/{deviceId}`,
    synapseServlet: 'DeviceRestServlet',
  }),
  route({
    name: 'deleteDevices',
    methods: ['POST'],
    path: `${v3}/delete_devices`,
    synapseServlet: 'DeleteDevicesRestServlet',
  }),
  route({
    name: 'userDirectory',
    methods: ['POST'],
    path: `${v3}/user_directory/search`,
    synapseServlet: 'UserDirectorySearchRestServlet',
  }),

  // Media: authenticated downloads only (the legacy unauthenticated ones are not listed); uploads stream.
  route({
    name: 'mediaConfig',
    methods: ['GET'],
    path: `${v1}/media/config`,
    synapseServlet: 'MediaConfigResource',
  }),
  route({
    name: 'mediaUpload',
    methods: ['POST'],
    path: '/_matrix/media/v3/upload',
    synapseServlet: 'UploadServlet',
    body: 'media',
  }),
  route({
    name: 'mediaDownload',
    methods: ['GET'],
    path: `${v1}/media/download/{serverName}/{mediaId}`,
    synapseServlet: 'DownloadResource',
  }),
  route({
    name: 'mediaDownload',
    methods: ['GET'],
    path: `${v1}/media/download/{serverName}/{mediaId}/{fileName}`,
    synapseServlet: 'DownloadResource',
  }),
  route({
    name: 'mediaThumbnail',
    methods: ['GET'],
    path: `${v1}/media/thumbnail/{serverName}/{mediaId}`,
    synapseServlet: 'ThumbnailResource',
  }),
];
