import { describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../secrets/memorySecretStore.testkit.ts';
import { clinicianSecrets } from './clinicianSecrets.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe("a clinician's secrets on a shared desktop", () => {
  it('keeps the enrolment with the desktop and everything else with the clinician', async () => {
    const desktop = createMemorySecretStore();
    const amelia = createMemorySecretStore();
    const secrets = clinicianSecrets(desktop, amelia);
    await secrets.write('desktop-enrolment', bytes('credential'));
    for (const name of ['session', 'crypto-storage-key', 'archive-key'] as const) {
      await secrets.write(name, bytes(name));
    }
    expect([...desktop.entries.keys()]).toEqual(['desktop-enrolment']);
    expect([...amelia.entries.keys()].sort()).toEqual(['archive-key', 'crypto-storage-key', 'session']);
    expect(await secrets.read('archive-key')).toEqual(bytes('archive-key'));
    // Another clinician sees the same enrolment and none of Amelia's secrets.
    const leila = clinicianSecrets(desktop, createMemorySecretStore());
    expect(await leila.read('desktop-enrolment')).toEqual(bytes('credential'));
    expect(await leila.read('archive-key')).toBeUndefined();
    expect(await leila.read('session')).toBeUndefined();
    // A revoked desktop loses its enrolment for everyone.
    await leila.delete('desktop-enrolment');
    expect(await secrets.read('desktop-enrolment')).toBeUndefined();
  });
});
