// POST /_bleep/enrol on its own, in an express app on a local port, with a stand-in enrolment store that records
// what it was asked and answers what the test says.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express, { type Request } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import type { DeviceEnrolment, EnrolmentRefusal } from '../rules/deviceEnrolment.ts';
import { createEnrolRoute } from './enrolRoute.ts';

describe('the enrolment route', () => {
  const audit: AuditEntry[] = [];
  const asked: [string, string][] = [];
  let answer: Awaited<ReturnType<DeviceEnrolment['redeemCode']>> = {
    ok: true,
    deviceId: 'WARD-PC',
    credential: 'c'.repeat(43),
  };
  const enrolment: DeviceEnrolment = {
    checkLogin: () => Promise.resolve({ ok: true }),
    recordLogin: () => Promise.resolve(),
    deviceOfCredential: () => Promise.resolve(undefined),
    redeemCode: (deviceId, code) => {
      asked.push([deviceId, code]);
      return Promise.resolve(answer);
    },
  };
  const enrol = createEnrolRoute({
    enrolment,
    audit: {
      record: (entry) => {
        audit.push(entry);
        return Promise.resolve();
      },
    },
  });
  const app = express();
  app.post('/_bleep/enrol', (request, response) => {
    void enrol(request, response);
  });
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/enrol`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    audit.length = 0;
    asked.length = 0;
    answer = { ok: true, deviceId: 'WARD-PC', credential: 'c'.repeat(43) };
  });

  const post = (body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const refusal = (code: string, auditReason?: string): EnrolmentRefusal => ({
    ok: false,
    code,
    message: 'This enrolment code is not valid, or has already been used.',
    ...(auditReason ? { auditReason } : {}),
  });

  it('exchanges the code for the device credential, and audits the enrolment', async () => {
    const response = await post({ device_id: 'WARD-PC', code: 'ABCD-EFGH-JKMN-PQRS' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ device_id: 'WARD-PC', credential: 'c'.repeat(43) });
    expect(asked).toEqual([['WARD-PC', 'ABCD-EFGH-JKMN-PQRS']]);
    expect(audit).toEqual([{ actor: null, device: 'WARD-PC', action: 'enrol', room: null, result: 'ok' }]);
  });

  it('takes the code alone, answering with the device the store found it issued to', async () => {
    answer = { ok: true, deviceId: 'WARD12-PC03', credential: 'c'.repeat(43) };
    const response = await post({ code: 'ABCD-EFGH-JKMN-PQRS' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ device_id: 'WARD12-PC03', credential: 'c'.repeat(43) });
    expect(asked).toEqual([['', 'ABCD-EFGH-JKMN-PQRS']]);
    expect(audit).toEqual([
      { actor: null, device: 'WARD12-PC03', action: 'enrol', room: null, result: 'ok' },
    ]);
  });

  it('audits a refused code alone as naming no device, with the precise reason', async () => {
    answer = refusal('BAD_ENROLMENT_CODE', 'CODE_UNKNOWN');
    const response = await post({ code: 'ABCD-EFGH-JKMN-PQRS' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ 'uk.nhs.bleep.rule': 'device-enrolment' });
    expect(audit).toEqual([
      { actor: null, device: null, action: 'enrol', room: null, result: 'refused: CODE_UNKNOWN' },
    ]);
  });

  it('tells the client only what the store lets it know, and the audit trail the precise reason', async () => {
    answer = refusal('BAD_ENROLMENT_CODE', 'DEVICE_UNKNOWN');
    const response = await post({ device_id: 'WARD-PC', code: 'ABCD-EFGH-JKMN-PQRS' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      errcode: 'M_FORBIDDEN',
      error: 'This enrolment code is not valid, or has already been used.',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    expect(audit).toEqual([
      { actor: null, device: 'WARD-PC', action: 'enrol', room: null, result: 'refused: DEVICE_UNKNOWN' },
    ]);
    answer = refusal('ENROLMENT_CODE_EXPIRED');
    await post({ device_id: 'WARD-PC', code: 'ABCD-EFGH-JKMN-PQRS' });
    expect(audit.at(-1)?.result).toBe('refused: ENROLMENT_CODE_EXPIRED');
  });

  it('answers a malformed device ID as a bad request', async () => {
    answer = refusal('INVALID_DEVICE_ID');
    const response = await post({ device_id: 'PC/1', code: 'x' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_INVALID_PARAM' });
  });

  it('reads fields that are not strings, and bodies that are not objects, as missing', async () => {
    answer = refusal('BAD_ENROLMENT_CODE', 'CODE_MALFORMED');
    await post({ device_id: 12, code: ['ABCD-EFGH-JKMN-PQRS'] });
    await post(['WARD-PC', 'ABCD-EFGH-JKMN-PQRS']);
    expect(asked).toEqual([
      ['', ''],
      ['', ''],
    ]);
    // An enrolment that names no device is audited as naming none.
    expect(audit.map((entry) => entry.device)).toEqual([null, null]);
  });

  it('audits an unreadable body as refused, naming no device', async () => {
    const response = await fetch(url, { method: 'POST', body: '{"device_id": "WARD-PC",' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_NOT_JSON' });
    expect(audit).toEqual([
      { actor: null, device: null, action: 'enrol', room: null, result: 'refused: M_NOT_JSON' },
    ]);
    expect(asked).toEqual([]);
  });

  it('leaves a failure that is no refusal (the connection broke) to the gateway, unaudited', async () => {
    const broken = Object.assign(
      new Readable({
        read() {
          this.destroy(new Error('aborted'));
        },
      }),
      { headers: {} },
    );
    await expect(enrol(broken as unknown as Request, {} as never)).rejects.toThrow('aborted');
    expect(audit).toEqual([]);
  });
});
