// The expiry report this desktop sends its trust's gateway after each sweep (POST /_bleep/expiry-report, with the
// device's access token), from which the server checks that the desktop keeps nothing past clientDays. The body is
// exactly `{ "oldest_ts": <ms integer or null>, "swept_at": <ms integer> }`. oldest_ts is the oldest message kept
// outside a legal hold: held content is kept because the trust said so, and must not get the desktop signed out.
import type { SweepRecord } from '../archive/messageArchive.ts';
import type { Platform } from '../platform.ts';
import type { SessionRecord } from '../session/sessionRecords.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';

export type ExpiryReport = Readonly<{ oldest_ts: number | null; swept_at: number }>;

export function expiryReportFor(record: SweepRecord): ExpiryReport {
  return {
    oldest_ts: record.oldestOutsideHoldAt === null ? null : Math.floor(record.oldestOutsideHoldAt),
    swept_at: Math.floor(record.sweptAt),
  };
}

/** Sends one report; resolves on any success, throws the core's typed error otherwise. */
export async function sendExpiryReport(
  platform: Pick<Platform, 'fetch'>,
  session: Pick<SessionRecord, 'serverUrl' | 'accessToken'>,
  report: ExpiryReport,
): Promise<void> {
  await requestTrustJson(platform, {
    serverUrl: session.serverUrl,
    method: 'POST',
    path: '/_bleep/expiry-report',
    purpose: 'session',
    headers: { authorization: `Bearer ${session.accessToken}` },
    body: { oldest_ts: report.oldest_ts, swept_at: report.swept_at },
    bodyExpected: false,
  });
}
