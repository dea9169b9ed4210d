import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/loadPolicy.ts';
import {
  authority,
  day,
  directoryDocument,
  impostor,
  signedDirectoryFile,
  testNow,
} from './directoryContext.testkit.ts';
import { vouchedPartners } from './vouchedPartners.ts';

const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Northgate', odsCode: 'RXA', serverName: 'northgate.nhs.uk' },
    federation: { partners: ['southmere.nhs.uk', 'eastbury.nhs.uk'] },
  },
  'inline',
);
const vouched = (directoryText: string, now = testNow) =>
  vouchedPartners({ policy, directoryText, authorityKey: authority.publicKey, now });

describe("the policy's partners a directory file vouches for", () => {
  it('is the partners both the policy and the signed directory name', () => {
    expect(vouched(signedDirectoryFile())).toEqual({ outcome: 'vouched', partners: ['southmere.nhs.uk'] });
  });

  it('drops a partner the directory stops listing', () => {
    const without = directoryDocument({
      trusts: [{ odsCode: 'RXA', name: 'Northgate', serverName: 'northgate.nhs.uk' }],
    });
    expect(vouched(signedDirectoryFile(without))).toEqual({ outcome: 'vouched', partners: [] });
  });

  it('refuses a file the gateway would refuse: another signer, tampered, expired', () => {
    expect(vouched(signedDirectoryFile(directoryDocument(), impostor.privateKey))).toMatchObject({
      outcome: 'refused',
      error: { code: 'DIRECTORY_BAD_SIGNATURE' },
    });
    const tampered = signedDirectoryFile().replace('Southmere', 'Southmere ');
    expect(vouched(tampered)).toMatchObject({
      outcome: 'refused',
      error: { code: 'DIRECTORY_BAD_SIGNATURE' },
    });
    expect(vouched(signedDirectoryFile(), new Date(testNow.getTime() + 31 * day))).toMatchObject({
      outcome: 'refused',
      error: { code: 'DIRECTORY_EXPIRED' },
    });
  });
});
