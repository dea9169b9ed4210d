// Signs a token out at the server (POST /logout), which also deletes its device there: used when a session is
// abandoned before it ran (its crypto did not start, or its keys were lost). Best effort: a token the server
// already refuses, or a server that is down, leaves nothing more to do here, and says so in the log.
import type { Platform } from '../platform.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import type { SessionRecord } from './sessionRecords.ts';

export async function discardAccessToken(platform: Platform, record: SessionRecord): Promise<void> {
  try {
    await requestTrustJson(platform, {
      serverUrl: record.serverUrl,
      method: 'POST',
      path: '/_matrix/client/v3/logout',
      purpose: 'session',
      headers: { authorization: `Bearer ${record.accessToken}` },
      body: {},
    });
  } catch (error) {
    platform.logger.child('session').warn('could not sign an abandoned session out', {
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}
