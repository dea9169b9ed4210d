// Delivers a partner's transaction to Synapse, read whole (transactionBody.ts), and reports the plaintext message
// events in it (partnerPlaintext.ts) once Synapse has accepted it. Only after Synapse's 200: the gateway does not
// check X-Matrix signatures itself, so until Synapse has, the origin is only a claim, and a forger could fill the
// audit trail. Synapse's answer is awaited even when the partner hangs up first (Synapse goes on processing a
// transaction whose sender left), so plaintext Synapse accepted is reported whether or not the partner stayed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import type { SynapseProxy } from '../synapseProxy.ts';
import type { FederationRefuse } from './federationRefusal.ts';
import { plaintextEventsIn, type PlaintextEvent } from './partnerPlaintext.ts';
import { readTransaction, transactionRule } from './transactionBody.ts';

/** Transactions held at once: per claimed origin (a partner sends one at a time), and in all. */
const maxHeldPerOrigin = 4;
const maxHeldTotal = 16;

export type PartnerTransactionDeps = Readonly<{
  /** Event types the trust's policy allows in plaintext (reactions, redactions). */
  plaintextEventTypes: readonly string[];
  maxTransactionBytes: number;
  proxy: SynapseProxy;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
  refuse: FederationRefuse;
}>;

export type ForwardTransaction = (
  request: IncomingMessage,
  response: ServerResponse,
  origin: string,
) => Promise<void>;

export function createTransactionForwarder(deps: PartnerTransactionDeps): ForwardTransaction {
  async function report(origin: string, plaintext: readonly PlaintextEvent[]): Promise<void> {
    for (const event of plaintext) {
      deps.metrics.partnerPlaintext.inc({ origin });
      deps.log.warn({ origin, eventType: event.eventType }, 'plaintext event received from a partner');
      await deps.audit.record({
        actor: origin,
        device: null,
        action: 'federation:plaintext-received',
        room: event.roomId,
        result: event.eventType,
      });
    }
  }

  // Each transaction is held whole in memory until Synapse has answered, and before Synapse has checked the
  // signature the origin is only a claim: a cap on how many are held at once keeps a forger from exhausting memory.
  // A partner's Synapse sends one transaction at a time to each destination, so the per-origin cap never bites it.
  const held = new Map<string, number>();
  let heldTotal = 0;

  async function forward(request: IncomingMessage, response: ServerResponse, origin: string): Promise<void> {
    const body = await readTransaction(request, deps.maxTransactionBytes);
    if (body.outcome === 'refuse') {
      await deps.refuse(request, response, { what: 'transaction', origin, audited: true }, body.error);
      return;
    }
    const plaintext = plaintextEventsIn(body.transaction, deps.plaintextEventTypes);
    let answer: Awaited<ReturnType<SynapseProxy['exchange']>>;
    try {
      answer = await deps.proxy.exchange(request, body.raw);
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      if (!response.headersSent && !response.destroyed) sendMatrixError(response, error);
      return;
    }
    if (!response.destroyed) response.writeHead(answer.statusCode, answer.headers).end(answer.body);
    if (answer.statusCode !== 200) return;
    try {
      await report(origin, plaintext);
    } catch (error) {
      // Synapse holds these events now: a report that could not be written must be seen by someone.
      deps.metrics.gatewayErrors.inc({ api: 'federation' });
      deps.log.error(
        { origin, events: plaintext.length, err: { message: (error as Error).message } },
        'partner plaintext accepted by Synapse but not written to the audit trail',
      );
    }
  }

  return async (request, response, origin) => {
    const fromOrigin = held.get(origin) ?? 0;
    if (fromOrigin >= maxHeldPerOrigin || heldTotal >= maxHeldTotal) {
      const error = new MatrixError(
        429,
        'M_LIMIT_EXCEEDED',
        'Too many transactions in flight: retry shortly',
        transactionRule,
      );
      await deps.refuse(request, response, { what: 'transaction', origin, audited: false }, error);
      return;
    }
    held.set(origin, fromOrigin + 1);
    heldTotal += 1;
    try {
      await forward(request, response, origin);
    } finally {
      heldTotal -= 1;
      const left = (held.get(origin) ?? 1) - 1;
      if (left === 0) held.delete(origin);
      else held.set(origin, left);
    }
  };
}
