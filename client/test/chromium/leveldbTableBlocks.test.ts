import { describe, expect, it } from 'vitest';
import { snappyUncompress } from './leveldbTableBlocks.ts';

describe('Snappy, as LevelDB compresses a block', () => {
  it('reads literals and back-references, overlapping ones too', () => {
    // Length 12; literal "abcd"; copy length 8 from offset 4 (1-byte offset form: tag 0b000_100_01 = (8-4)<<2 | 1).
    const compressed = new Uint8Array([12, (4 - 1) << 2, 97, 98, 99, 100, ((8 - 4) << 2) | 1, 4]);
    expect(new TextDecoder().decode(snappyUncompress(compressed))).toBe('abcdabcdabcd');
  });

  it('refuses a copy from before the start', () => {
    expect(() => snappyUncompress(new Uint8Array([4, ((4 - 4) << 2) | 1, 9]))).toThrow(/before the start/);
  });
});
