// The client-facing gateway: wires the route table, the session check, the policy rules and the proxy into one
// request listener. A request is forwarded to Synapse only when its route is in the table (routes/clientRoutes.ts),
// its session belongs to an enrolled desktop, its body reads the same to every parser, and every rule allows it;
// anything else is refused with a Matrix error, counted, logged and audited. Bleep's own routes (/_bleep/...) and
// sign-ins go through express, for its rate limiter; every other request goes straight to the rules and the proxy.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import type { PartnerTrust } from '../../trustDirectory/trustDirectory.ts';
import type { AuditSink } from '../../audit/auditEntry.ts';
import type { ExpiryReportStore } from '../../expiry/expiryReportStore.ts';
import type { IdentityStore } from '../../identity/identityStore.ts';
import type { SynapseKeys } from '../../identity/synapseKeys.ts';
import { clientPolicyView } from '../clientPolicyView.ts';
import { failedAttemptLimit, type FailedAttemptLimit } from '../failedAttemptLimit.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { corsHeaders } from '../corsHeaders.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { matchClientRoute } from '../routes/matchClientRoute.ts';
import { unreadableParameter, unrecognisedRequest } from '../rules/defaultDeny.ts';
import { contentTypeProblem } from '../rules/plainContentType.ts';
import type { DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import type { DeviceStatusView } from '../rules/enrolledSession.ts';
import { applyClientRules } from '../rules/ruleBook.ts';
import type { RuleContext } from '../rules/rule.ts';
import type { SignOutSession } from '../signOutSession.ts';
import { upstreamUnavailable, type SynapseProxy } from '../synapseProxy.ts';
import type { Identity, WhoAmI } from '../whoAmI.ts';
import { findAccessToken } from './accessToken.ts';
import { createRefuse } from './clientRefusal.ts';
import { createDeviceSignatureRoute } from './deviceSignatureRoute.ts';
import { createEnrolRoute } from './enrolRoute.ts';
import { createExpiryReportRoute } from './expiryReportRoute.ts';
import { createLegalHoldsRoute, type LegalHoldLookup } from './legalHoldsRoute.ts';
import { checkSession } from './sessionCheck.ts';
import { createStaffSearchRoute, type StaffLookup } from './staffSearchRoute.ts';
import { createRefreshSession } from './refreshSession.ts';
import { createSignIn } from './signIn.ts';

export type ClientGatewayDeps = Readonly<{
  policy: TrustPolicy;
  allowedPartners: () => readonly string[];
  /** The same partners named as the trust directory names them, for the client's policy view. */
  partnerTrusts: () => readonly PartnerTrust[];
  proxy: SynapseProxy;
  audit: AuditSink;
  whoAmI: WhoAmI;
  enrolment: DeviceEnrolment;
  devices: DeviceStatusView;
  /** Which of a session's rooms are under legal hold (GET /_bleep/legal-holds); absent, the route is not served. */
  legalHolds?: LegalHoldLookup;
  /**
   * Clinicians' cross-signing identities held by the trust, and Synapse's key API, for POST /_bleep/device-signature;
   * absent, the route is not served.
   */
  deviceSigning?: Readonly<{ identities: IdentityStore; synapseKeys: SynapseKeys }>;
  /** The trust's staff directory, for POST /_bleep/staff/search; absent, the route is not served. */
  staff?: StaffLookup;
  /** Signs an access token out at Synapse (a sign-in that finished after its desktop was revoked). */
  discardToken: (accessToken: string) => Promise<void>;
  /** Desktops' latest expiry reports (POST /_bleep/expiry-report). */
  expiryReports: ExpiryReportStore;
  /** Signs a desktop out of Synapse with its own token (a report showing content past clientDays). */
  signOutSession: SignOutSession;
  maxJsonBodyBytes: number;
  /** The client's address as the gateway tells Synapse (see forwardedFor.ts); keys the failed-attempt limits. */
  clientAddress: (request: IncomingMessage) => string;
  failedAttemptLimit: FailedAttemptLimit;
  metrics: GatewayMetrics;
  log: Logger;
}>;

export function createClientGateway(deps: ClientGatewayDeps): RequestListener {
  const { log, metrics } = deps;
  const enrolmentRequired = deps.policy.devices.enrolmentRequired;
  const ruleContext: RuleContext = { policy: deps.policy, allowedPartners: deps.allowedPartners };
  const refuse = createRefuse(deps);
  const signIn = createSignIn({
    ...deps,
    enrolmentRequired,
    refuse,
    checkBody: (body) => {
      const { verdict } = applyClientRules(
        {
          method: 'POST',
          route: loginRoute,
          params: {},
          query: new URLSearchParams(),
          contentType: undefined,
          body,
          identity: undefined,
        },
        ruleContext,
      );
      return verdict.outcome === 'refuse' ? verdict.error : undefined;
    },
  });
  /** Bleep's own routes, for their preflights (any other /_bleep path is refused like any unknown path). */
  const bleepRoutes = new Set([
    '/_bleep/health',
    '/_bleep/policy',
    '/_bleep/enrol',
    '/_bleep/expiry-report',
    '/_bleep/legal-holds',
    '/_bleep/device-signature',
    '/_bleep/staff/search',
  ]);
  const refreshSession = createRefreshSession({ ...deps, enrolmentRequired, refuse });
  const loginMatch = matchClientRoute('POST', '/_matrix/client/v3/login');
  if (loginMatch.outcome !== 'route') throw new Error('the route table has no sign-in route');
  const loginRoute = loginMatch.route;

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Bleep's routes match in their one spelling only: /_bleep/Enrol or /_bleep/enrol/ is an unknown path, refused
  // like any other (express would otherwise match both), so the list above is the whole of what is served.
  app.enable('case sensitive routing');
  app.enable('strict routing');
  // Bleep's own answers are open to the renderer's origin, as Synapse's are (corsHeaders.ts).
  app.use((_request, response, next) => {
    response.set(corsHeaders);
    next();
  });
  app.get('/_bleep/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  // Read-only: the client learns its limits (retention, idle lock, notifications) from the server it trusts.
  app.get('/_bleep/policy', (_request, response) => {
    response.json(clientPolicyView(deps.policy, deps.partnerTrusts()));
  });
  const limitFor = (what: string) =>
    failedAttemptLimit(
      what,
      deps.clientAddress,
      () => {
        metrics.refusals.inc({ api: 'client', rule: `${what}-rate-limit` });
      },
      deps.failedAttemptLimit,
    );
  const enrol = createEnrolRoute(deps);
  app.post('/_bleep/enrol', limitFor('enrolment'), (request, response) => {
    enrol(request, response).catch((error: unknown) => {
      fail(response, error);
    });
  });
  const expiryReport = createExpiryReportRoute({ ...deps, refuse });
  app.post('/_bleep/expiry-report', (request, response) => {
    metrics.requests.inc({ api: 'client', kind: 'expiryReport' });
    expiryReport(request, response).catch((error: unknown) => {
      fail(response, error);
    });
  });
  const { legalHolds } = deps;
  if (legalHolds) {
    const holds = createLegalHoldsRoute({ ...deps, legalHolds, refuse });
    app.get('/_bleep/legal-holds', (request, response) => {
      metrics.requests.inc({ api: 'client', kind: 'legalHolds' });
      holds(request, response).catch((error: unknown) => {
        fail(response, error);
      });
    });
  }
  const { deviceSigning } = deps;
  if (deviceSigning) {
    const sign = createDeviceSignatureRoute({ ...deps, ...deviceSigning, refuse });
    app.post('/_bleep/device-signature', (request, response) => {
      metrics.requests.inc({ api: 'client', kind: 'deviceSignature' });
      sign(request, response).catch((error: unknown) => {
        fail(response, error);
      });
    });
  }
  const { staff } = deps;
  if (staff) {
    const search = createStaffSearchRoute({ ...deps, staff, refuse });
    app.post('/_bleep/staff/search', (request, response) => {
      metrics.requests.inc({ api: 'client', kind: 'staffSearch' });
      search(request, response).catch((error: unknown) => {
        fail(response, error);
      });
    });
  }
  const signInLimit = limitFor('sign-in');
  // Express is reached only by /_bleep paths and by requests the route table matched as the sign-in.
  app.use((request, response) => {
    if (!request.originalUrl.startsWith('/_bleep/')) {
      signInLimit(request, response, () => {
        signIn(request, response).catch((error: unknown) => {
          fail(response, error);
        });
      });
      return;
    }
    sendMatrixError(response, unrecognisedRequest(404));
  });

  /** Every client-server API request other than a sign-in. */
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const match = matchClientRoute(method, request.url ?? '/');
    metrics.requests.inc({
      api: 'client',
      kind: match.outcome === 'route' ? match.route.name : match.outcome,
    });
    if (match.outcome === 'preflight') {
      // Answered here: Synapse's preflight answer does not allow the desktop's credential header.
      response.writeHead(204, corsHeaders).end();
      return;
    }
    if (match.outcome === 'bad-param') {
      await refuse(
        response,
        { what: 'unrecognised', identity: undefined, room: null },
        unreadableParameter(match.param, match.reason),
      );
      return;
    }
    if (match.outcome === 'unrecognised') {
      // Attributed when the request carries a session (someone probing the admin API, say); never a lookup else.
      const token = findAccessToken(request);
      const owner = token.outcome === 'token' ? await deps.whoAmI(token.token) : undefined;
      const identity = owner?.outcome === 'identity' ? owner.identity : undefined;
      await refuse(
        response,
        { what: 'unrecognised', identity, room: null },
        unrecognisedRequest(match.status),
      );
      return;
    }
    const { route, params } = match;
    const room = params.roomId ?? null;
    const typeProblem = contentTypeProblem(request.headersDistinct['content-type'] ?? []);
    if (typeProblem) {
      await refuse(response, { what: route.name, identity: undefined, room }, typeProblem);
      return;
    }
    let identity: Identity | undefined;
    if (route.auth === 'session') {
      const session = await checkSession(request, {
        whoAmI: deps.whoAmI,
        devices: deps.devices,
        enrolmentRequired,
      });
      if (session.outcome === 'refused') {
        await refuse(response, { what: route.name, identity: session.identity, room }, session.error);
        return;
      }
      identity = session.identity;
    }
    // A media upload streams to Synapse unread (its content is the client's encrypted attachment); its name and
    // type, which Synapse keeps in plaintext, still pass the rules.
    let body: Awaited<ReturnType<typeof readJsonBody>> | undefined;
    try {
      body = route.body === 'media' ? undefined : await readJsonBody(request, deps.maxJsonBodyBytes);
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      await refuse(response, { what: route.name, identity, room }, error);
      return;
    }
    const target = request.url ?? '/';
    const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
    const result = applyClientRules(
      {
        method,
        route,
        params,
        query,
        contentType: request.headers['content-type'],
        body: body?.value,
        identity,
      },
      ruleContext,
    );
    if (result.verdict.outcome === 'refuse') {
      await refuse(response, { what: route.name, identity, room }, result.verdict.error);
      return;
    }
    if (!body) {
      await deps.proxy.forward(request, response);
      return;
    }
    const forwarded =
      result.verdict.outcome === 'rewrite' ? Buffer.from(JSON.stringify(result.body)) : body.raw;
    await deps.proxy.forward(request, response, forwarded);
  }

  function fail(response: ServerResponse, error: unknown): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof MatrixError) {
      sendMatrixError(response, error);
      return;
    }
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (error as Error).name === 'SocketError') {
      metrics.upstreamFailures.inc({ api: 'client' });
      log.warn({ err: { name: (error as Error).name } }, 'homeserver unreachable');
      sendMatrixError(response, upstreamUnavailable());
      return;
    }
    metrics.gatewayErrors.inc({ api: 'client' });
    log.error({ err: { message: (error as Error).message, name: (error as Error).name } }, 'gateway error');
    sendMatrixError(
      response,
      new MatrixError(500, 'M_UNKNOWN', 'The Bleep gateway failed to handle this request'),
    );
  }

  return (request, response) => {
    const url = request.url ?? '/';
    if (
      request.method === 'OPTIONS' &&
      url.startsWith('/_bleep/') &&
      bleepRoutes.has(url.split('?')[0] ?? '')
    ) {
      response.writeHead(204, corsHeaders).end();
      return;
    }
    if (url.startsWith('/_bleep/')) {
      app(request, response);
      return;
    }
    const match = request.method === 'POST' ? matchClientRoute('POST', url) : undefined;
    if (match?.outcome === 'route' && match.route.name === 'login') {
      metrics.requests.inc({ api: 'client', kind: 'login' });
      app(request, response);
      return;
    }
    if (match?.outcome === 'route' && match.route.name === 'refresh') {
      metrics.requests.inc({ api: 'client', kind: 'refresh' });
      refreshSession(request, response).catch((error: unknown) => {
        fail(response, error);
      });
      return;
    }
    handle(request, response).catch((error: unknown) => {
      fail(response, error);
    });
  };
}
