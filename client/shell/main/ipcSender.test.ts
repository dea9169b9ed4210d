import { describe, expect, it } from 'vitest';
import { isAppTopFrame } from './ipcSender.ts';

describe('who may ask for the sealing key', () => {
  it('is the app page in the top frame', () => {
    expect(isAppTopFrame({ url: 'bleep://app/index.html', parent: null })).toBe(true);
  });

  it('is not a frame inside it, another page, or a frame that has gone', () => {
    expect(isAppTopFrame({ url: 'bleep://app/index.html', parent: { url: 'bleep://app/index.html' } })).toBe(
      false,
    );
    expect(isAppTopFrame({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isAppTopFrame({ url: 'bleep://other/index.html', parent: null })).toBe(false);
    expect(isAppTopFrame(null)).toBe(false);
  });
});
