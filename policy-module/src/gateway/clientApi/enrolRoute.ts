// POST /_bleep/enrol: a new desktop exchanges its one-time enrolment code (from trust IT) for its device
// credential, once: `{"code"}` alone (the device is the one the code was issued to) or `{"device_id", "code"}`,
// answered `{"device_id", "credential"}`. Every attempt is audited with its precise reason; the client is told only
// what the store lets it know, so the refusal does not tell which device ids or codes exist. Failed attempts, with a
// device id or without, count against the same per-address limit (createClientGateway.ts).
import type { Request, Response } from 'express';
import type { AuditSink } from '../../audit/auditEntry.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { enrolmentError, type DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import { isRecord } from '../rules/rule.ts';

export type EnrolRouteDeps = Readonly<{ enrolment: DeviceEnrolment; audit: AuditSink }>;

export function createEnrolRoute(deps: EnrolRouteDeps) {
  const audit = (deviceId: string, result: string) =>
    deps.audit.record({ actor: null, device: deviceId || null, action: 'enrol', room: null, result });

  return async function enrol(request: Request, response: Response): Promise<void> {
    let fields: Record<string, unknown>;
    try {
      const { value } = await readJsonBody(request, 4096);
      fields = isRecord(value) ? value : {};
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      await audit('', `refused: ${error.errcode}`);
      sendMatrixError(response, error);
      return;
    }
    const deviceId = typeof fields.device_id === 'string' ? fields.device_id : '';
    const code = typeof fields.code === 'string' ? fields.code : '';
    const result = await deps.enrolment.redeemCode(deviceId, code);
    if (!result.ok) {
      await audit(deviceId, `refused: ${result.auditReason ?? result.code}`);
      // A failed status keeps the failed-attempt limit counting.
      sendMatrixError(response, enrolmentError(result, ''));
      return;
    }
    await audit(result.deviceId, 'ok');
    response.json({ device_id: result.deviceId, credential: result.credential });
  };
}
