// Test support: what a compromised homeserver can do to a clinician's account without the gateway. Here it is
// played by the clinician's password used at the trust's internal Synapse listener, which the gateway never sees.
import { ClientEvent, createClient, SyncState, type MatrixClient } from 'matrix-js-sdk';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { sdkLogger } from '../../core/session/sdkLogger.ts';
import { consoleLogger } from '../../node/nodePlatform.ts';
import { newDeviceId, type StaffAccount } from './bleepDesktop.testkit.ts';

/** The clinician's password used at Synapse directly: a device the homeserver made, that bypassed the gateway. */
export async function rogueDevice(trust: RunningTrust, account: StaffAccount): Promise<MatrixClient> {
  const login = await createClient({ baseUrl: trust.synapseUrl }).loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: account.username },
    password: account.password,
    device_id: newDeviceId('rogue'),
  });
  const client = createClient({
    baseUrl: trust.synapseUrl,
    userId: login.user_id,
    deviceId: login.device_id,
    accessToken: login.access_token,
    logger: sdkLogger(consoleLogger('rogue', 'error')),
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const synced = new Promise<void>((resolve) => {
    client.on(ClientEvent.Sync, (state) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await synced;
  return client;
}
