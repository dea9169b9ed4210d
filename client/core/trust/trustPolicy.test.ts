import { describe, expect, it } from 'vitest';
import { RateLimitedError, ServerDownError, UnknownServerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { fetchTrustPolicy, partnerTrustName } from './trustPolicy.ts';

const server = 'https://bleep.trust-a.example';
const view = {
  version: 1,
  trust: { name: 'Trust A', odsCode: 'RAA', serverName: 'trust-a.example' },
  partners: ['trust-b.example'],
  partnerTrusts: [{ serverName: 'trust-b.example', name: 'Southmere NHS Trust' }],
  retention: { clientDays: 90, serverHours: 72 },
  idleLockMinutes: 5,
  encryptionRequired: true,
  plaintextEventTypes: [],
  maxUploadBytes: 10_485_760,
  notificationContent: 'none',
  keyBackupAllowed: false,
};

function answering(response: () => Response | Promise<Response>): Pick<Platform, 'fetch'> {
  return { fetch: () => Promise.resolve(response()) };
}

describe("the trust's policy, from GET /_bleep/policy", () => {
  it("is the gateway's view, as sent", async () => {
    expect(
      await fetchTrustPolicy(
        answering(() => Response.json(view)),
        server,
      ),
    ).toEqual(view);
  });

  it("names each partner trust as the directory does, keeping nothing else a partner's entry carries", async () => {
    const policy = await fetchTrustPolicy(
      answering(() =>
        Response.json({
          ...view,
          partnerTrusts: [{ serverName: 'trust-b.example', name: 'Southmere NHS Trust', extra: 'x' }],
        }),
      ),
      server,
    );
    expect(policy.partnerTrusts).toEqual([{ serverName: 'trust-b.example', name: 'Southmere NHS Trust' }]);
    expect(partnerTrustName(policy, 'trust-b.example')).toBe('Southmere NHS Trust');
    expect(partnerTrustName(policy, 'trust-a.example')).toBeUndefined();
  });

  it('is not a Bleep gateway whose partners come without their names, or with names that are no text', async () => {
    const { partnerTrusts: _names, ...withoutNames } = view;
    for (const answer of [
      withoutNames,
      { ...view, partnerTrusts: [{ serverName: 'trust-b.example' }] },
      { ...view, partnerTrusts: [{ serverName: 'trust-b.example', name: 7 }] },
      { ...view, partnerTrusts: 'trust-b.example' },
    ]) {
      await expect(
        fetchTrustPolicy(
          answering(() => Response.json(answer)),
          server,
        ),
      ).rejects.toBeInstanceOf(UnknownServerError);
    }
  });

  it('is not there on a server that answers something else: that server is not a Bleep gateway', async () => {
    await expect(
      fetchTrustPolicy(
        answering(() => Response.json({ versions: ['v1.11'] })),
        server,
      ),
    ).rejects.toBeInstanceOf(UnknownServerError);
    await expect(
      fetchTrustPolicy(
        answering(() => new Response('<html>It works!</html>', { status: 200 })),
        server,
      ),
    ).rejects.toBeInstanceOf(UnknownServerError);
    await expect(
      fetchTrustPolicy(
        answering(() => new Response('Not found', { status: 404 })),
        server,
      ),
    ).rejects.toBeInstanceOf(UnknownServerError);
  });

  it('tells a proxy that cannot reach the gateway, or a limit, from an unknown server', async () => {
    await expect(
      fetchTrustPolicy(
        answering(() => new Response('Bad gateway', { status: 503 })),
        server,
      ),
    ).rejects.toBeInstanceOf(ServerDownError);
    await expect(
      fetchTrustPolicy(
        answering(() => new Response('slow down', { status: 429, headers: { 'retry-after': '7' } })),
        server,
      ),
    ).rejects.toMatchObject({ constructor: RateLimitedError, retryAfterMs: 7000 });
  });
});
