// The client-facing gateway: every client-server API request passes the trust's policy rules on its way to
// Synapse. Refusals are Matrix errors and audit entries; everything else is forwarded unchanged and streamed.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { TrustPolicy } from '../policy/trustPolicy.ts';
import type { AuditSink } from './auditSink.ts';
import { classifyRequest, type ClassifiedRequest } from './classifyRequest.ts';
import type { GatewayMetrics } from './gatewayMetrics.ts';
import { clientPolicyView } from './clientPolicyView.ts';
import { MatrixError, policyRefusal, sendMatrixError } from './matrixError.ts';
import { readJsonBody } from './readJsonBody.ts';
import { failedAttemptLimit, type FailedAttemptLimit } from './failedAttemptLimit.ts';
import { applyClientRules } from './rules/ruleBook.ts';
import { checkDeviceLogin, type DeviceEnrolment } from './rules/deviceEnrolment.ts';
import { upstreamUnavailable, type SynapseProxy } from './synapseProxy.ts';
import type { WhoAmI } from './whoAmI.ts';

export type ClientGatewayDeps = Readonly<{
  policy: TrustPolicy;
  allowedPartners: () => readonly string[];
  findNhsNumbers: (text: string) => string[];
  proxy: SynapseProxy;
  audit: AuditSink;
  whoAmI: WhoAmI;
  enrolment: DeviceEnrolment;
  maxJsonBodyBytes: number;
  /** The client's address as the gateway tells Synapse (see forwardedFor.ts); keys the failed-attempt limits. */
  clientAddress: (request: IncomingMessage) => string;
  failedAttemptLimit: FailedAttemptLimit;
  metrics: GatewayMetrics;
  log: Logger;
}>;

/** Request kinds whose JSON body a rule reads; only these are buffered. */
const inspectedKinds = new Set<ClassifiedRequest['kind']>([
  'createRoom',
  'stateEvent',
  'invite',
  'displayName',
  'directoryVisibility',
  'login',
  'freeText',
  'pusher',
  // Small (Synapse caps events at 64 KiB): read so an event labelled encrypted is checked to be ciphertext.
  'sendEvent',
]);

function roomOf(classified: ClassifiedRequest): string | null {
  return 'roomId' in classified ? classified.roomId : null;
}

export function createClientGateway(deps: ClientGatewayDeps): RequestListener {
  const { log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.get('/_bleep/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  // Read-only: the client learns its limits (retention, idle lock, notifications) from the server it trusts.
  app.get('/_bleep/policy', (_request, response) => {
    response.json(clientPolicyView(deps.policy, deps.allowedPartners()));
  });

  const limitFor = (what: string) =>
    failedAttemptLimit(
      what,
      deps.clientAddress,
      () => {
        deps.metrics.refusals.inc({ api: 'client', rule: `${what}-rate-limit` });
      },
      deps.failedAttemptLimit,
    );
  const enrolmentLimit = limitFor('enrolment');
  const signInLimit = limitFor('sign-in');

  // A new desktop exchanges its one-time enrolment code (from trust IT) for its device credential, once.
  app.post('/_bleep/enrol', enrolmentLimit, (request, response) => {
    void (async () => {
      const { value } = await readJsonBody(request, 4096);
      const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      const deviceId = typeof fields.device_id === 'string' ? fields.device_id : '';
      const code = typeof fields.code === 'string' ? fields.code : '';
      const result = await deps.enrolment.redeemCode(deviceId, code);
      await deps.audit.record({
        actor: null,
        device: deviceId || null,
        action: 'enrol',
        room: null,
        result: result.ok ? 'ok' : `refused: ${result.code}`,
      });
      if (!result.ok) {
        sendMatrixError(response, policyRefusal('device-enrolment', result.message));
        return;
      }
      response.json({ device_id: deviceId, credential: result.credential });
    })().catch((error: unknown) => {
      handleFailure(response, error);
    });
  });

  async function refuse(
    request: IncomingMessage,
    response: ServerResponse,
    classified: ClassifiedRequest,
    error: MatrixError,
  ): Promise<void> {
    const who = await deps.whoAmI(request.headers.authorization);
    await deps.audit.record({
      actor: who?.userId ?? null,
      device: who?.deviceId ?? null,
      action: `refuse:${classified.kind}`,
      room: roomOf(classified),
      result: `${error.status} ${error.errcode}${error.rule ? ` (${error.rule})` : ''}`,
    });
    deps.metrics.refusals.inc({ api: 'client', rule: error.rule ?? classified.kind });
    log.info({ kind: classified.kind, status: error.status, rule: error.rule }, 'refused by policy');
    sendMatrixError(response, error);
  }

  async function login(
    request: IncomingMessage,
    response: ServerResponse,
    raw: Buffer,
    body: unknown,
  ): Promise<void> {
    const deviceId =
      typeof body === 'object' && body !== null && 'device_id' in body ? body.device_id : undefined;
    const credential = request.headers['x-bleep-device-credential'];
    const refusal = await checkDeviceLogin(
      deps.enrolment,
      deps.policy.devices.enrolmentRequired,
      deviceId,
      typeof credential === 'string' ? credential : undefined,
    );
    if (refusal) {
      deps.metrics.refusals.inc({ api: 'client', rule: 'device-enrolment' });
      await deps.audit.record({
        actor: null,
        device: typeof deviceId === 'string' ? deviceId : null,
        action: 'login',
        room: null,
        result: `refused: ${refusal.errcode} (${refusal.rule ?? ''})`,
      });
      sendMatrixError(response, refusal);
      return;
    }
    const answer = await deps.proxy.exchange(request, raw);
    let userId: string | null = null;
    if (answer.statusCode === 200) {
      const parsed = JSON.parse(answer.body.toString('utf8')) as { user_id?: unknown };
      userId = typeof parsed.user_id === 'string' ? parsed.user_id : null;
      if (userId && typeof deviceId === 'string') await deps.enrolment.recordLogin(deviceId, userId);
    }
    await deps.audit.record({
      actor: userId,
      device: typeof deviceId === 'string' ? deviceId : null,
      action: 'login',
      room: null,
      result: answer.statusCode === 200 ? 'ok' : `homeserver refused (${answer.statusCode})`,
    });
    response.writeHead(answer.statusCode, answer.headers);
    response.end(answer.body);
  }

  /** Every client-server API request: its policy rules, then Synapse (streamed unless a rule reads the body). */
  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    classified: ClassifiedRequest,
  ): Promise<void> {
    deps.metrics.requests.inc({ api: 'client', kind: classified.kind });
    if (classified.kind === 'malformed') {
      sendMatrixError(response, new MatrixError(400, 'M_UNRECOGNIZED', classified.reason));
      return;
    }
    if (classified.kind === 'synapseAdmin') {
      // The admin API is for trust IT on the internal network only.
      await refuse(
        request,
        response,
        classified,
        new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'),
      );
      return;
    }
    if (!inspectedKinds.has(classified.kind)) {
      const { verdict } = applyClientRules(
        { method: request.method ?? 'GET', classified, body: undefined, headers: request.headers },
        deps,
      );
      if (verdict.outcome === 'refuse') await refuse(request, response, classified, verdict.error);
      else await deps.proxy.forward(request, response);
      return;
    }
    const body = await readJsonBody(request, deps.maxJsonBodyBytes);
    if (classified.kind === 'login') {
      await login(request, response, body.raw, body.value);
      return;
    }
    const result = applyClientRules(
      { method: request.method ?? 'GET', classified, body: body.value, headers: request.headers },
      deps,
    );
    if (result.verdict.outcome === 'refuse') {
      await refuse(request, response, classified, result.verdict.error);
      return;
    }
    const forwarded =
      result.verdict.outcome === 'rewrite' ? Buffer.from(JSON.stringify(result.body)) : body.raw;
    await deps.proxy.forward(request, response, forwarded);
  }

  function handleClassified(
    request: IncomingMessage,
    response: ServerResponse,
    classified: ClassifiedRequest,
  ): void {
    handle(request, response, classified).catch((error: unknown) => {
      handleFailure(response, error);
    });
  }

  // Anything else that reaches express (a sign-in, or an unknown /_bleep path) is handled like any request; a
  // sign-in passes its failed-attempt limit first.
  app.use((request, response) => {
    const classified = classifyRequest(request.method, request.originalUrl);
    if (classified.kind === 'login')
      signInLimit(request, response, () => {
        handleClassified(request, response, classified);
      });
    else handleClassified(request, response, classified);
  });

  function handleFailure(response: ServerResponse, error: unknown): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof MatrixError) {
      sendMatrixError(response, error);
      return;
    }
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (error as Error).name === 'SocketError') {
      sendMatrixError(response, upstreamUnavailable());
      return;
    }
    log.error({ err: { message: (error as Error).message, name: (error as Error).name } }, 'gateway error');
    sendMatrixError(
      response,
      new MatrixError(500, 'M_UNKNOWN', 'The Bleep gateway failed to handle this request'),
    );
  }

  // Express serves Bleep's own routes and sign-ins (for its rate limiter); the rest of the API, every /sync and
  // message, goes straight to the rules and the proxy: express's routing cost about a quarter of the gateway's CPU
  // per request.
  return (request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/_bleep/')) {
      app(request, response);
      return;
    }
    const classified = classifyRequest(request.method ?? 'GET', url);
    if (classified.kind === 'login') app(request, response);
    else handleClassified(request, response, classified);
  };
}
