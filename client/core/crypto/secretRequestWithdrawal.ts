// After an emoji verification between two of the clinician's desktops, rust crypto asks the other desktop for the
// identity's private keys (m.secret.request to-device messages). Bleep sends none of them: no desktop holds those
// keys (the trust does), the gateway refuses every secret request (rule no-key-copies) and audits each refusal, and
// rust crypto retries an unsent request after every sync, so a verified desktop would add a refused, audited request
// to the trust's audit trail every sync for as long as it runs. They are marked as sent here instead, unsent.
import type { MatrixClient } from 'matrix-js-sdk';
import { RequestType, ToDeviceRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import { olmMachineOf } from './olmMachine.ts';

/** Drops the queued secret requests without sending them; answers how many there were. */
export async function withdrawSecretRequests(client: MatrixClient): Promise<number> {
  const machine = olmMachineOf(client);
  let withdrawn = 0;
  for (const request of await machine.outgoingRequests()) {
    if (!(request instanceof ToDeviceRequest) || request.event_type !== 'm.secret.request') continue;
    await machine.markRequestAsSent(request.id, RequestType.ToDevice, '{}');
    withdrawn += 1;
  }
  return withdrawn;
}
