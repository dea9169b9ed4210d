// Reads a request body with a hard size limit, and (for the requests the rules read) parses it as well-formed
// JSON. Only media uploads stream through unread.
import type { IncomingMessage } from 'node:http';
import { MatrixError } from './matrixError.ts';
import { parseWellFormedJson, wellFormedJsonRule } from './rules/wellFormedJson.ts';

export type JsonBody = Readonly<{ raw: Buffer; value: unknown }>;

/** The whole body, refused with M_TOO_LARGE past the limit (declared or actual). */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body parsed; an empty body is undefined (Synapse reads it as {} where a body is optional). */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const raw = await readBody(request, limitBytes);
  return { raw, value: raw.length === 0 ? undefined : parseWellFormedJson(raw) };
}

function tooLarge(limitBytes: number): MatrixError {
  return new MatrixError(
    413,
    'M_TOO_LARGE',
    `The request body is larger than ${limitBytes} bytes`,
    wellFormedJsonRule,
  );
}
