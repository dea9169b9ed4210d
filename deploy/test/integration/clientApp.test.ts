// Needs the real local stack: the client app that `up` (run by the global setup) builds and serves on loopback, with
// the running trusts' gateways in its config and its CSP, and the demo desktop's enrolment code `up` prints, redeemed
// at the real gateway. What a person who opens the printed address gets, checked as a browser would fetch it.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { clientAppFiles } from '../../local/src/clientAppProcess.ts';
import { issueDemoEnrolment } from '../../local/src/demoEnrolment.ts';
import { localLayout } from '../../local/src/localLayout.ts';
import { readStackState } from '../../local/src/stackState.ts';
import { rawRequest } from './rawRequest.ts';
import { clientAppUrlFromStatus, stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const stack = inject('stack');
const trustA = trustNamed(stack, 'trust-a');
const trustB = trustNamed(stack, 'trust-b');
const outsider = trustNamed(stack, 'outsider');

async function appUrl(): Promise<string> {
  const url = await clientAppUrlFromStatus();
  if (url === null) throw new Error('status --json says the client app is not running');
  return url;
}

/** The assets index.html loads (scripts, modulepreloads, stylesheets), as absolute URLs. */
function assetsOf(html: string, base: string): URL[] {
  return [...html.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map(
    (match) => new URL(match[1] ?? '', base),
  );
}

describe('the client app that up serves', () => {
  it('is at a fixed loopback address that status --json gives as clientAppUrl', async () => {
    await expect(appUrl()).resolves.toBe('http://127.0.0.1:8480');
  });

  it("serves index.html under the CSP that lets the page talk to trust A's and trust B's gateways and nothing else", async () => {
    const response = await fetch(`${await appUrl()}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<title>Bleep</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    const connectSrc = csp.split('; ').find((directive) => directive.startsWith('connect-src '));
    expect(connectSrc?.split(' ').sort()).toEqual(
      ['connect-src', "'self'", trustA.clientUrl, trustB.clientUrl].sort(),
    );
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain(outsider.clientUrl);
  });

  it('serves the scripts, the stylesheet and the rust crypto wasm the page loads, with their types', async () => {
    const base = `${await appUrl()}/`;
    const assets = assetsOf(await (await fetch(base)).text(), base);
    expect(assets.some((url) => url.pathname.endsWith('.js'))).toBe(true);
    expect(assets.some((url) => url.pathname.endsWith('.css'))).toBe(true);
    const wasm = new Set<string>();
    for (const asset of assets) {
      const response = await fetch(asset);
      expect(response.status, asset.pathname).toBe(200);
      expect(response.headers.get('content-security-policy'), asset.pathname).not.toBeNull();
      const type = response.headers.get('content-type');
      const text = await response.text();
      if (asset.pathname.endsWith('.css')) {
        expect(type).toBe('text/css; charset=utf-8');
        continue;
      }
      expect(type).toBe('text/javascript; charset=utf-8');
      // Vite names the wasm relative to the script that loads it (new URL('x.wasm', import.meta.url)).
      for (const match of text.matchAll(/[\w-]+\.wasm\b/g)) wasm.add(new URL(match[0], asset).href);
    }
    expect(wasm.size).toBeGreaterThan(0);
    for (const url of wasm) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      // WebAssembly.instantiateStreaming refuses any other type.
      expect(response.headers.get('content-type')).toBe('application/wasm');
      expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
    }
  });

  it('lists trust A and trust B by their policy names and gateway addresses in bleep-config.json, not the outsider', async () => {
    const response = await fetch(`${await appUrl()}/bleep-config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      trusts: [
        {
          name: 'trust-a',
          displayName: 'Northgate Hospitals NHS Foundation Trust',
          serverUrl: trustA.clientUrl,
        },
        {
          name: 'trust-b',
          displayName: 'Southmere Teaching Hospitals NHS Trust',
          serverUrl: trustB.clientUrl,
        },
      ],
    });
  });

  it('refuses a path that climbs out of the build directory, however it is encoded', async () => {
    const url = await appUrl();
    const files = clientAppFiles(localLayout());
    // A file that does exist one level up, with a type the server would serve: a 404 is the refusal, not absence.
    await access(files.configPath);
    expect(files.configPath).toBe(join(files.buildDir, '..', 'bleep-config.json'));
    for (const target of [
      '/..%2fbleep-config.json',
      '/%2e%2e%2fbleep-config.json',
      '/%2E%2E%2Fbleep-config.json',
      '/assets/..%2f..%2fbleep-config.json',
    ]) {
      const answer = await rawRequest(url, { method: 'GET', target });
      expect(answer.status, target).toBe(404);
      expect(answer.text, target).toBe('');
    }
    // Dots that are not encoded (or only as whole segments) are resolved by the URL parser before the server reads
    // the path, and never rise above the root: /../index.html is the directory's own index.html.
    const resolved = await rawRequest(url, { method: 'GET', target: '/../../index.html' });
    expect(resolved.status).toBe(200);
    expect(resolved.text).toContain('<title>Bleep</title>');
  });

  it("keeps the same server on up unless the renderer's code changed meanwhile, and offers the same trusts", async () => {
    const before = (await readStackState(localLayout().stackFile)).clientApp;
    if (!before) throw new Error('the stack state records no client app');
    await stackCommand(['up', 'trust-a', 'trust-b', 'outsider']);
    const after = (await readStackState(localLayout().stackFile)).clientApp;
    // The trusts were already running: their list, and so the config, is the same.
    expect(after?.configVersion).toBe(before.configVersion);
    // Someone may edit the client while this runs (the renderer is worked on beside these tests): then, and only
    // then, a new build is served by a new server.
    if (after?.codeVersion === before.codeVersion) expect(after.pid).toBe(before.pid);
    else expect(after?.pid).not.toBe(before.pid);
    await expect(appUrl()).resolves.toBe('http://127.0.0.1:8480');
  });
});

describe("the demo desktop's enrolment code that up prints", () => {
  it('enrols a browser by the code alone as a new DEMO device, and a later code leaves the earlier one working', async () => {
    const first = await issueDemoEnrolment(trustA, 'Northgate Hospitals NHS Foundation Trust');
    const second = await issueDemoEnrolment(trustA, 'Northgate Hospitals NHS Foundation Trust');
    expect(first.deviceId).toMatch(/^DEMO-\d+$/);
    expect(Number(second.deviceId.slice(5))).toBe(Number(first.deviceId.slice(5)) + 1);
    expect(first.serverUrl).toBe(trustA.clientUrl);
    for (const issued of [first, second]) {
      // As the sign-in page does: the code is all a person types.
      const response = await fetch(`${trustA.clientUrl}/_bleep/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: issued.code }),
      });
      expect(response.status, issued.deviceId).toBe(200);
      const body = (await response.json()) as { device_id?: unknown; credential?: unknown };
      expect(body.device_id).toBe(issued.deviceId);
      expect(typeof body.credential).toBe('string');
    }
  });
});
