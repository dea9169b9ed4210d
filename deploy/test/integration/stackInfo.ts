// Reads one trust out of what the global setup provided.
import type { RunningTrust } from '../../local/src/stackStatus.ts';

export function trustNamed(stack: readonly RunningTrust[], name: string): RunningTrust {
  const trust = stack.find((entry) => entry.name === name);
  if (!trust) throw new Error(`trust ${name} is not in the running stack`);
  return trust;
}
