import { describe, expect, it } from 'vitest';
import { rendererFileFor } from './rendererFile.ts';

describe('which renderer file a request names', () => {
  it('gives index.html for the root and assets by their plain path', () => {
    expect(rendererFileFor('bleep://app/')).toEqual({
      kind: 'file',
      segments: ['index.html'],
      contentType: 'text/html; charset=utf-8',
    });
    expect(rendererFileFor('bleep://app/assets/crypto_bg.wasm?v=1#x')).toEqual({
      kind: 'file',
      segments: ['assets', 'crypto_bg.wasm'],
      contentType: 'application/wasm',
    });
    expect(rendererFileFor('bleep://app/assets/a%20b.js')).toMatchObject({ segments: ['assets', 'a b.js'] });
  });

  it.each([
    'bleep://app/assets/..%2f..%2fsecret.txt',
    'bleep://app/assets%2f..%2f..%2fsecret.txt',
    'bleep://app/..%5c..%5csecret.txt',
    'bleep://app/assets/%00.js',
    'bleep://app/C:%5cWindows%5cwin.ini.txt',
    'bleep://app/.env.json',
    'bleep://app//etc/passwd.txt',
    'bleep://app/assets/',
    'bleep://app/assets',
  ])('refuses %s', (url) => {
    expect(rendererFileFor(url)).toMatchObject({ kind: 'refused' });
  });

  it('resolves dot segments (plain or escaped) inside the root, never above it', () => {
    expect(rendererFileFor('bleep://app/../../etc/passwd.txt')).toMatchObject({
      segments: ['etc', 'passwd.txt'],
    });
    expect(rendererFileFor('bleep://app/assets/%2e%2e/%2E%2E/secret.txt')).toMatchObject({
      segments: ['secret.txt'],
    });
  });

  it('refuses a malformed escape as a bad request, and other origins as not found', () => {
    expect(rendererFileFor('bleep://app/a%E0%A4%A.js')).toEqual({ kind: 'refused', status: 400 });
    expect(rendererFileFor('bleep://other/index.html')).toEqual({ kind: 'refused', status: 404 });
    expect(rendererFileFor('https://app/index.html')).toEqual({ kind: 'refused', status: 404 });
  });
});
