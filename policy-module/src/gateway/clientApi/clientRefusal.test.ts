import type { ServerResponse } from 'node:http';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics, type GatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, policyRefusal } from '../matrixError.ts';
import { createRefuse, type Refuse } from './clientRefusal.ts';

/** Just enough of a response to see what the client was sent. */
function response() {
  const sent: { status?: number; body?: string } = {};
  const fake = {
    writeHead(status: number) {
      sent.status = status;
      return fake;
    },
    end(body: string) {
      sent.body = body;
    },
  };
  return { sent, response: fake as unknown as ServerResponse };
}

describe('refusing a client request', () => {
  // Each test starts with an empty trail and no refusal counted.
  let audit: AuditEntry[];
  let metrics: GatewayMetrics;
  let refuse: Refuse;

  beforeEach(() => {
    audit = [];
    metrics = createGatewayMetrics();
    refuse = createRefuse({
      audit: {
        record: (entry) => {
          audit.push(entry);
          return Promise.resolve();
        },
      },
      metrics,
      log: pino({ level: 'silent' }),
    });
  });

  it('answers with the Matrix error and audits the decision: status, errcode, rule and the precise reason', async () => {
    const { sent, response: answer } = response();
    await refuse(
      answer,
      { what: 'login', identity: undefined, device: 'LAPTOP', room: null, auditReason: 'DEVICE_UNKNOWN' },
      policyRefusal('device-enrolment', 'Not enrolled.'),
    );
    expect(sent).toEqual({
      status: 403,
      body: JSON.stringify({
        errcode: 'M_FORBIDDEN',
        error: 'Not enrolled.',
        'uk.nhs.bleep.rule': 'device-enrolment',
      }),
    });
    expect(audit.at(-1)).toEqual({
      actor: null,
      device: 'LAPTOP',
      action: 'refuse:login',
      room: null,
      result: '403 M_FORBIDDEN (device-enrolment): DEVICE_UNKNOWN',
    });
  });

  it('audits a refusal no rule made with its status and errcode alone, under the session that asked', async () => {
    await refuse(
      response().response,
      { what: 'sync', identity: { userId: '@dr:x', deviceId: 'PC1' }, room: '!r:x' },
      new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token'),
    );
    expect(audit.at(-1)).toEqual({
      actor: '@dr:x',
      device: 'PC1',
      action: 'refuse:sync',
      room: '!r:x',
      result: '401 M_MISSING_TOKEN',
    });
  });

  it('counts refusals by rule, or by errcode when no rule made them', async () => {
    await refuse(
      response().response,
      { what: 'login', identity: undefined, device: 'LAPTOP', room: null },
      policyRefusal('device-enrolment', 'Not enrolled.'),
    );
    await refuse(
      response().response,
      { what: 'sync', identity: undefined, room: null },
      new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token'),
    );
    const counted = (await metrics.refusals.get()).values.map((value) => value.labels);
    expect(counted).toEqual([
      { api: 'client', rule: 'device-enrolment' },
      { api: 'client', rule: 'M_MISSING_TOKEN' },
    ]);
  });
});
