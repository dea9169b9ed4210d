import { describe, expect, it } from 'vitest';
import { contentTypeOf } from './contentType.ts';

describe('content types of the renderer files', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['index-4f3a.js', 'text/javascript; charset=utf-8'],
    ['style.CSS', 'text/css; charset=utf-8'],
    ['matrix_sdk_crypto_wasm_bg-1a2b.wasm', 'application/wasm'],
    ['logo.svg', 'image/svg+xml'],
    ['frutiger.woff2', 'font/woff2'],
  ])('serves %s as %s', (name, type) => {
    expect(contentTypeOf(name)).toBe(type);
  });

  it.each([
    'secret.key',
    'archive.db',
    'README',
    '.htaccess',
    'run.sh',
    'page.html.bak',
    'constructor',
    'x.toString',
  ])('serves no %s (not a kind of file the page needs)', (name) => {
    expect(contentTypeOf(name)).toBeUndefined();
  });
});
