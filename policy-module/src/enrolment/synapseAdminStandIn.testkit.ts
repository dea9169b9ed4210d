// Test support, unit tests only: a stand-in for Synapse's admin API on a local port, which records every request
// it gets and answers the device DELETE as Synapse would, or with whatever status a test sets for a user.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SeenRequest = Readonly<{ method: string; path: string; authorization: string | undefined }>;

export type SynapseAdminStandIn = Readonly<{
  url: string;
  seen: SeenRequest[];
  /** Makes the DELETE for this user answer with this status and Matrix error code. */
  answerFor: (userId: string, status: number, errcode: string) => void;
  close: () => Promise<void>;
}>;

export async function startSynapseAdminStandIn(): Promise<SynapseAdminStandIn> {
  const seen: SeenRequest[] = [];
  const answers = new Map<string, { status: number; errcode: string }>();
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    seen.push({ method: request.method ?? '', path, authorization: request.headers.authorization });
    const userId = /^\/_synapse\/admin\/v2\/users\/([^/]+)\/devices\/[^/]+$/.exec(path)?.[1];
    const answer =
      userId === undefined
        ? { status: 404, errcode: 'M_UNRECOGNIZED' }
        : answers.get(decodeURIComponent(userId));
    response.writeHead(answer?.status ?? 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer ? { errcode: answer.errcode, error: 'stand-in refusal' } : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answerFor: (userId, status, errcode) => answers.set(userId, { status, errcode }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
