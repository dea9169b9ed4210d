import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { synapseRequestBodyLimit } from './synapseRequestBodyLimit.ts';

const policyWithUploads = (maxUploadBytes: number) =>
  parsePolicy(
    {
      version: 1,
      trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'trust.example' },
      federation: { partners: [] },
      media: { maxUploadBytes },
    },
    'inline',
  );

describe("Synapse's own limit on a federation request body", () => {
  it('is 12.5 MiB (200 events of 64 KiB) when uploads are smaller', () => {
    expect(synapseRequestBodyLimit(policyWithUploads(1024 * 1024))).toBe(13_107_200);
  });

  it('is the media upload limit, as Synapse rounds it, when that is larger', () => {
    expect(synapseRequestBodyLimit(policyWithUploads(50 * 1024 * 1024))).toBe(52_428_800);
    expect(synapseRequestBodyLimit(policyWithUploads(20 * 1024 * 1024 + 1000))).toBe(20 * 1024 * 1024);
  });

  it('is above the largest transaction the spec allows: 50 PDUs and 100 EDUs of 64 KiB', () => {
    expect(synapseRequestBodyLimit(policyWithUploads(1))).toBeGreaterThan(150 * 65536);
  });
});
