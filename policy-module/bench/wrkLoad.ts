// Throughput with wrk (Debian's, in C): autocannon, in Node, could not read 1 MiB answers faster than ~70 MB/s on
// a 2-core machine, so it, not the proxies, set the media figures. A generated Lua script sets the method, headers
// and body, and gives each /send its own transaction ID.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianPackage } from './debianPackage.ts';

const execFileAsync = promisify(execFile);

export type WrkRequest = Readonly<{
  baseUrl: string;
  method: 'GET' | 'PUT';
  /** The path; with `uniqueSuffix`, a prefix to which each request adds its own id. */
  path: string;
  uniqueSuffix: boolean;
  headers: Readonly<Record<string, string>>;
  body?: string;
}>;

export type WrkResult = Readonly<{ requestsPerSecond: number; total: number }>;

/** A Lua string literal (wrk's scripts are Lua). */
function lua(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function script(request: WrkRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`)
    .join('\n');
  return `
wrk.method = ${lua(request.method)}
${request.body === undefined ? '' : `wrk.body = ${lua(request.body)}`}
${headers}
local counter = 0
function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
end
request = function()
  counter = counter + 1
  local path = ${lua(request.path)}
  ${request.uniqueSuffix ? 'path = path .. tid .. "-" .. counter' : ''}
  return wrk.format(nil, path)
end
`;
}

export async function wrkThroughput(
  request: WrkRequest,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  await ensureDebianPackage('/usr/bin/wrk', '--version', 'wrk');
  const dir = await mkdtemp(join(tmpdir(), 'bleep-bench-wrk-'));
  try {
    const scriptPath = join(dir, 'request.lua');
    await writeFile(scriptPath, script(request));
    const { stdout } = await execFileAsync('/usr/bin/wrk', [
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '-s',
      scriptPath,
      request.baseUrl,
    ]);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
    const total = /(\d+) requests in/.exec(stdout)?.[1];
    if (rate === undefined || total === undefined) throw new Error(`wrk printed no rate:\n${stdout}`);
    const failed = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1];
    const socketErrors = /Socket errors: (.*)/.exec(stdout)?.[1];
    if (failed !== undefined || socketErrors !== undefined) {
      throw new Error(
        `${request.method} ${request.path} at ${request.baseUrl}: ${failed ?? 0} non-2xx answers; socket errors: ${socketErrors ?? 'none'}`,
      );
    }
    return { requestsPerSecond: Number(rate), total: Number(total) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
