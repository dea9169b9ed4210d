// Reads a request body the rules must inspect, with a hard size limit, and parses it as JSON. Only the request
// kinds the rules read are buffered; everything else (media above all) streams through untouched.
import type { IncomingMessage } from 'node:http';
import { MatrixError } from './matrixError.ts';

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

export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const raw = await readBody(request, limitBytes);
  if (raw.length === 0) return { raw, value: {} };
  try {
    return { raw, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    throw new MatrixError(400, 'M_NOT_JSON', 'The request body is not valid JSON');
  }
}

function tooLarge(limitBytes: number): MatrixError {
  return new MatrixError(413, 'M_TOO_LARGE', `The request body is larger than ${limitBytes} bytes`);
}
