import { describe, expect, it } from 'vitest';
import { StartupRefusal } from './startupRefusal.ts';

describe('a refusal to start', () => {
  it('tells the clinician what happened and to call trust IT, and gives IT the code and detail', () => {
    const refusal = new StartupRefusal(
      'sealing-key-unreadable',
      '/home/a/.config/Bleep/secret-sealing-key.safestorage',
    );
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal.code).toBe('sealing-key-unreadable');
    expect(refusal.text).toMatch(/Bleep has not started\. Please call trust IT\./);
    expect(refusal.text).toContain('For trust IT: sealing-key-unreadable (/home/a/.config/Bleep/');
  });

  it('has words for every code', () => {
    for (const code of [
      'no-keychain',
      'keychain-stores-plaintext',
      'sealing-key-unreadable',
      'renderer-missing',
    ] as const) {
      const refusal = new StartupRefusal(code);
      expect(refusal.message.length, code).toBeGreaterThan(40);
      expect(refusal.text.endsWith(`For trust IT: ${code}`)).toBe(true);
    }
  });
});
