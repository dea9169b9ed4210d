// A platform for unit tests of the core: secrets and archive in memory, a clock the test moves, a fetch the test
// answers, and a logger that keeps its lines (so a test can check that nothing secret was logged).
import { createMemoryArchiveStorage } from './archive/memoryArchiveStorage.testkit.ts';
import type { CoreLogger, Platform } from './platform.ts';
import { createMemorySecretStore } from './secrets/memorySecretStore.testkit.ts';

export type LoggedLine = Readonly<{ level: string; name: string; message: string; fields: unknown }>;

export function recordingLogger(
  lines: LoggedLine[] = [],
  name = 'test',
): CoreLogger & { lines: LoggedLine[] } {
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, name, message, fields });
  };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (child) => recordingLogger(lines, `${name}.${child}`),
  };
}

/** A clock that stands still until the test moves it. */
export function manualClock(start: number): { now: () => number; set: (at: number) => void } {
  let at = start;
  return {
    now: () => at,
    set: (next) => {
      at = next;
    },
  };
}

export type RecordedRequest = Readonly<{ method: string; url: URL; headers: Headers; body: unknown }>;

/** A fetch answered by `answer` for each request, which it records. */
export function answeringFetch(answer: (request: RecordedRequest) => Response | Promise<Response>): {
  fetch: typeof globalThis.fetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      method: init?.method ?? 'GET',
      url,
      headers: new Headers(init?.headers),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
    };
    requests.push(request);
    return Promise.resolve(answer(request));
  };
  return { fetch, requests };
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function createTestPlatform(overrides: Partial<Platform> = {}) {
  const secrets = createMemorySecretStore();
  const archive = createMemoryArchiveStorage();
  const logger = recordingLogger();
  const clock = manualClock(Date.UTC(2026, 10, 28, 12));
  const platform: Platform = {
    fetch: () => Promise.reject(new TypeError('fetch failed')),
    secrets,
    archive,
    clock,
    logger,
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    cryptoStore: 'memory',
    ...overrides,
  };
  return { platform, secrets, archive, logger, clock };
}
