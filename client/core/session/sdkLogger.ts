// matrix-js-sdk's logger interface over the platform's logger. The SDK logs at length (every sync, every key
// query): its trace and debug lines go to debug, and its arguments are joined to one line.
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import type { CoreLogger } from '../platform.ts';

function line(parts: readonly unknown[]): string {
  return parts
    .map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : String(part)))
    .join(' ');
}

export function sdkLogger(logger: CoreLogger): Logger {
  return {
    trace: (...parts: unknown[]) => {
      logger.debug(line(parts));
    },
    debug: (...parts: unknown[]) => {
      logger.debug(line(parts));
    },
    info: (...parts: unknown[]) => {
      logger.info(line(parts));
    },
    warn: (...parts: unknown[]) => {
      logger.warn(line(parts));
    },
    error: (...parts: unknown[]) => {
      logger.error(line(parts));
    },
    getChild: (namespace: string) => sdkLogger(logger.child(namespace)),
  };
}
