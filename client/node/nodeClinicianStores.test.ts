import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import { clinicianDirectory, nodeClinicianStores } from './nodeClinicianStores.ts';

describe("clinicians' stores on a shared desktop under Node", () => {
  it('opens each clinician’s own stores with their PIN only, in folders that do not name them', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'bleep-shared-'));
    const open = nodeClinicianStores(profile);
    const amelia = await open('amelia.hart', '731905');
    await amelia.secrets.write('archive-key', new Uint8Array([1, 2, 3]));
    await amelia.archive.write('m.x', new Uint8Array([9]));
    const leila = await open('leila.haddad', '246810');
    expect(await leila.secrets.read('archive-key')).toBeUndefined();
    expect(await leila.archive.read('m.x')).toBeUndefined();
    await expect(open('amelia.hart', '246810')).rejects.toBeInstanceOf(SecretStoreLockedError);
    expect(await (await open('amelia.hart', '731905')).secrets.read('archive-key')).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    const folders = await readdir(join(profile, 'clinicians'));
    expect(folders).toHaveLength(2);
    expect(folders.join(' ')).not.toMatch(/amelia|leila/);
    expect(clinicianDirectory(profile, 'amelia.hart')).not.toBe(clinicianDirectory(profile, 'leila.haddad'));
  });
});
