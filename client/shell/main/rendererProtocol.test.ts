import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rendererProtocolHandler } from './rendererProtocol.ts';

const policy = "default-src 'none'";
let root = '';
let outside = '';
const reads: string[] = [];

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'bleep-shell-protocol-'));
  root = join(base, 'renderer');
  outside = join(base, 'renderer-secret.txt');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(
    join(root, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app.js"></script>',
  );
  await writeFile(join(root, 'assets', 'crypto_bg.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(outside, 'not for the page');
});

function handler() {
  return rendererProtocolHandler({
    rendererDirectory: root,
    contentSecurityPolicy: policy,
    readFile: async (path) => {
      reads.push(path);
      const { readFile } = await import('node:fs/promises');
      try {
        return new Uint8Array(await readFile(path));
      } catch {
        return undefined;
      }
    },
  });
}

describe('the bleep://app protocol', () => {
  it('serves index.html with its type, the CSP and no sniffing', async () => {
    const response = await handler()(new Request('bleep://app/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(policy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<!doctype html>');
  });

  it('serves rust crypto wasm as application/wasm', async () => {
    const response = await handler()(new Request('bleep://app/assets/crypto_bg.wasm'));
    expect(response.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await handler()(new Request('bleep://app/assets/missing.js'))).status).toBe(404);
  });

  it('never reads a file outside the build directory', async () => {
    reads.length = 0;
    for (const url of [
      'bleep://app/..%2frenderer-secret.txt',
      'bleep://app/assets/..%2f..%2frenderer-secret.txt',
      'bleep://app/../renderer-secret.txt',
    ]) {
      const response = await handler()(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('not for the page');
    }
    expect(reads.every((path) => path.startsWith(`${root}/`))).toBe(true);
  });

  it('answers only GET', async () => {
    const response = await handler()(new Request('bleep://app/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });
});
