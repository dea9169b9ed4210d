// Synapse's size forms, read as Synapse's parse_size reads them: Bleep renders "<n>K" today, and the limit must
// follow if the rendering moves to "<n>M" or plain bytes, and stop the start on anything else.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { synapseRequestBodyLimit } from './synapseRequestBodyLimit.ts';

const rendered = vi.hoisted(() => ({ maxUploadSize: '0K' }));
vi.mock('../../policy/synapseSettings.ts', () => ({
  synapseSettingsFor: () => ({ max_upload_size: rendered.maxUploadSize }),
}));

const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'trust.example' },
    federation: { partners: [] },
  },
  'inline',
);

describe("reading the size Synapse's configuration names", () => {
  beforeEach(() => {
    rendered.maxUploadSize = '0K';
  });

  it('reads kibibytes, mebibytes and plain bytes', () => {
    for (const [size, bytes] of [
      ['20480K', 20 * 1024 * 1024],
      ['20M', 20 * 1024 * 1024],
      ['20971520', 20 * 1024 * 1024],
    ] as const) {
      rendered.maxUploadSize = size;
      expect(synapseRequestBodyLimit(policy), size).toBe(bytes);
    }
  });

  it('stops on a size it cannot read the way Synapse would', () => {
    for (const size of ['', 'M', '20MB', '20 M', ' 20M', '20k', '2.5M', 'x20M']) {
      rendered.maxUploadSize = size;
      expect(() => synapseRequestBodyLimit(policy), size).toThrow(`unexpected Synapse size ${size}`);
    }
  });
});
