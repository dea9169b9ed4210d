// The signature request against a stand-in gateway (a fetch function answering as the gateway does; the real one is
// exercised by client/test/integration/hotDesking.test.ts).
import { describe, expect, it } from 'vitest';
import { DeviceNotEnrolledError, ServerDownError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { requestTrustSignature } from './trustSignature.ts';

type Answer = Readonly<{ status: number; body: unknown }> | 'network-down';

function gateway(answers: Answer[]) {
  const seen: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    seen.push({
      url: input instanceof Request ? input.url : input.toString(),
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(init?.body as string) as unknown,
    });
    const answer = answers.shift() ?? { status: 500, body: {} };
    if (answer === 'network-down')
      return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
  };
  return { fetch, seen };
}

const request = {
  serverUrl: 'https://bleep.trust-b.nhs.uk',
  accessToken: 'token-1',
  deviceCredential: 'credential-1',
  ed25519: 'E'.repeat(43),
};
const instant = { attempts: 4, firstDelayMs: 10, maxDelayMs: 40, wait: () => Promise.resolve() };
const notYet = { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'not yet' } };

describe('asking the trust to sign this desktop', () => {
  it('sends the token, the enrolment credential and the device key, and answers the master key', async () => {
    const { fetch, seen } = gateway([{ status: 200, body: { master_key: 'M', outcome: 'signed' } }]);
    expect(await requestTrustSignature({ fetch }, request, instant)).toBe('M');
    expect(seen).toEqual([
      {
        url: 'https://bleep.trust-b.nhs.uk/_bleep/device-signature',
        headers: expect.objectContaining({
          authorization: 'Bearer token-1',
          'x-bleep-device-credential': 'credential-1',
        }) as Record<string, string>,
        body: { ed25519: request.ed25519 },
      },
    ]);
  });

  it('tries again while the device keys have not reached the server or the server is away, then gives up', async () => {
    const waits: number[] = [];
    const wait = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const recovered = gateway([notYet, 'network-down', { status: 200, body: { master_key: 'M' } }]);
    expect(await requestTrustSignature(recovered, request, { ...instant, wait })).toBe('M');
    expect(waits).toEqual([10, 20]);
    const never = gateway([notYet, notYet, notYet, notYet, notYet]);
    await expect(requestTrustSignature(never, request, instant)).rejects.toBeInstanceOf(
      UnexpectedAnswerError,
    );
    expect(never.seen).toHaveLength(4);
    const down = gateway(['network-down', 'network-down', 'network-down', 'network-down']);
    await expect(requestTrustSignature(down, request, instant)).rejects.toBeInstanceOf(ServerDownError);
  });

  it('does not retry a refusal, and refuses an answer without a master key', async () => {
    const refused = gateway([
      { status: 403, body: { errcode: 'M_FORBIDDEN', 'uk.nhs.bleep.rule': 'device-enrolment', error: 'no' } },
    ]);
    await expect(requestTrustSignature(refused, request, instant)).rejects.toBeInstanceOf(
      DeviceNotEnrolledError,
    );
    expect(refused.seen).toHaveLength(1);
    const odd = gateway([{ status: 200, body: { outcome: 'signed' } }]);
    await expect(requestTrustSignature(odd, request, instant)).rejects.toBeInstanceOf(UnexpectedAnswerError);
    expect(odd.seen).toHaveLength(1);
  });
});
