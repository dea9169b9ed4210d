// Turns whatever an action threw into words for the screen: the core's typed errors already carry a sentence a
// clinician can act on; anything else is not shown as-is (it may carry a server's text), only as a plain failure.
import { BleepClientError } from '../../core/errors/clientErrors.ts';

export function problemMessage(error: unknown, fallback: string): string {
  if (error instanceof BleepClientError) return error.message;
  return fallback;
}
