// The SDK's rust OlmMachine, for the few things matrix-js-sdk 43 has no public call for (trusting the identity the
// trust named, dropping queued secret requests). `getOlmMachineOrThrow` is private in the SDK's types, not at run
// time; its own migration code reaches the machine the same way. Throws once the session stopped (the SDK freed it).
import type { MatrixClient } from 'matrix-js-sdk';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';

export function olmMachineOf(client: MatrixClient): OlmMachine {
  const crypto = client.getCrypto() as unknown as { getOlmMachineOrThrow?: () => OlmMachine } | undefined;
  if (!crypto?.getOlmMachineOrThrow) throw new Error('rust crypto is not running');
  return crypto.getOlmMachineOrThrow();
}
