// The core's logger in the renderer: one line per entry on the console (Chromium keeps console output in memory,
// never in the profile). Warnings and errors only unless asked: at debug the SDK logs room, event and user ids, which
// are metadata the desktop need not print. The core never passes message content, patient data or secrets.
import type { CoreLogger } from '../core/platform.ts';

const levels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof levels)[number];

export function consoleLogger(name: string, minimum: LogLevel = 'warn'): CoreLogger {
  const emit = (level: LogLevel) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (levels.indexOf(level) < levels.indexOf(minimum)) return;
    console[level](JSON.stringify({ level, name, message, ...fields }));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child) => consoleLogger(`${name}.${child}`, minimum),
  };
}
