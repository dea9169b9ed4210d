// Reads a partner's transaction (PUT /send/{txnId}) whole, whatever its framing (a content-length or chunked
// transfer-encoding), so none reaches Synapse unread; up to Synapse's own limit (synapseRequestBodyLimit.ts), so
// reading never costs a transaction Synapse would have accepted. The body is parsed the way Synapse parses it
// (strict UTF-8, a byte-order mark refused, then JSON); what Synapse could not parse either is refused here.
import type { IncomingMessage } from 'node:http';
import { policyRefusal, type MatrixError } from '../matrixError.ts';

export type TransactionBody =
  | Readonly<{ outcome: 'read'; raw: Buffer; transaction: unknown }>
  | Readonly<{ outcome: 'refuse'; error: MatrixError }>;

export const transactionRule = 'inspected-transactions';

// ignoreBOM keeps a byte-order mark in the text, where JSON.parse refuses it as Python's json module does.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body, or undefined once it passes the limit. Reading stops there without draining or destroying the
 * request, so the refusal can still be sent; the connection is closed after it.
 */
function collect(request: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        stop();
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // A sender that goes away mid-body: nothing is forwarded.
    const onClose = () => {
      onError(new Error('the sending server closed the connection before the transaction ended'));
    };
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

export async function readTransaction(
  request: IncomingMessage,
  limitBytes: number,
): Promise<TransactionBody> {
  const raw = await collect(request, limitBytes);
  if (raw === undefined) {
    return {
      outcome: 'refuse',
      error: policyRefusal(
        transactionRule,
        `The transaction is larger than ${limitBytes} bytes, the most this homeserver accepts`,
        413,
        'M_TOO_LARGE',
      ),
    };
  }
  try {
    return { outcome: 'read', raw, transaction: JSON.parse(utf8.decode(raw)) as unknown };
  } catch {
    return {
      outcome: 'refuse',
      error: policyRefusal(transactionRule, 'The transaction is not UTF-8 JSON', 400, 'M_NOT_JSON'),
    };
  }
}
