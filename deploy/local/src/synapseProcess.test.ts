import { describe, expect, it } from 'vitest';
import { withIdEntry } from './synapseProcess.ts';

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  'matrix-synapse:x:100:65534::/var/lib/matrix-synapse:/usr/sbin/nologin',
  '',
].join('\n');
const entry = 'bleep-synapse:x:995:994::/nonexistent:/usr/sbin/nologin';

describe("mirroring the host's Synapse user into the sid root", () => {
  it('adds the entry once, and leaves a file that has it as it is', () => {
    const added = withIdEntry(passwd, 'bleep-synapse', 995, entry);
    expect(added).toBe(`${passwd}${entry}\n`);
    expect(withIdEntry(added, 'bleep-synapse', 995, entry)).toBe(added);
  });

  it('replaces a stale entry for the same name with an old id', () => {
    const stale = `${passwd}bleep-synapse:x:990:990::/nonexistent:/usr/sbin/nologin\n`;
    expect(withIdEntry(stale, 'bleep-synapse', 995, entry)).toBe(`${passwd}${entry}\n`);
  });

  it('refuses an id that another user holds in the root', () => {
    expect(() => withIdEntry(passwd, 'bleep-synapse', 100, entry)).toThrow(/belongs to "matrix-synapse"/);
  });
});
