// The largest request body Synapse reads on its federation listener (synapse/app/_base.py max_request_body_size):
// 200 PDUs' worth (MAX_REQUEST_SIZE = 200 × 64 KiB = 12.5 MiB), or max_upload_size when that is larger, because a
// single Synapse process's federation listener also loads the media repository. A transaction holds at most 50
// PDUs of 64 KiB and 100 EDUs (spec; Synapse aims to keep each EDU under 64 KiB too), so a legitimate one fits well
// under either. The gateway reads transactions up to exactly this limit: nothing Synapse would accept is refused,
// and what it refuses above it Synapse would have refused as well.
import { synapseSettingsFor } from '../../policy/synapseSettings.ts';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';

/** synapse/api/constants.py MAX_REQUEST_SIZE: 200 × MAX_PDU_SIZE (65536). */
export const synapseMaxRequestSize = 200 * 65536;

/** Synapse's parse_size for the "<n>K" / "<n>M" forms Bleep renders (1024-based, as Synapse reads them). */
function synapseSizeBytes(size: string): number {
  const match = /^(\d+)([KM]?)$/.exec(size);
  if (!match?.[1]) throw new Error(`unexpected Synapse size ${size}`);
  return Number(match[1]) * (match[2] === 'K' ? 1024 : match[2] === 'M' ? 1024 * 1024 : 1);
}

export function synapseRequestBodyLimit(policy: TrustPolicy): number {
  // Read from the rendered setting, so a change in how the policy's limit is rendered moves this with it.
  return Math.max(synapseMaxRequestSize, synapseSizeBytes(synapseSettingsFor(policy, []).max_upload_size));
}
