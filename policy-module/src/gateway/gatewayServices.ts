// The gateway's stateful services, built once at start: the audit trail, enrolment store and staff directory
// (Bleep's database), the trust directory (reloaded periodically; a bad new file leaves the last good one in force),
// and the view of which desktops are enrolled now (kept current by the database's notifications).
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createAuditLog } from '../audit/auditLog.ts';
import {
  auditTables,
  directoryTables,
  enrolmentTables,
  expiryTables,
  identityTables,
  requireTables,
  staffTables,
} from '../database/bleepSchema.ts';
import { createEnrolmentStore } from '../enrolment/enrolmentStore.ts';
import { createDeviceStatusWatch } from '../enrolment/deviceStatusWatch.ts';
import { createExpiryReportStore, type ExpiryReportStore } from '../expiry/expiryReportStore.ts';
import { createIdentityStore, type IdentityStore } from '../identity/identityStore.ts';
import {
  createStaffDirectoryStore,
  type StaffDirectoryStore,
} from '../staffDirectory/staffDirectoryStore.ts';
import { parseSealingKey } from '../identity/identitySealing.ts';
import type { TrustPolicy } from '../policy/trustPolicy.ts';
import { readNewestAcceptedIssuedAt, recordAcceptedIssuedAt } from '../trustDirectory/acceptedDirectory.ts';
import { createDirectoryStore } from '../trustDirectory/directoryStore.ts';
import type { PartnerTrust } from '../trustDirectory/trustDirectory.ts';
import type { AuditSink } from '../audit/auditEntry.ts';
import type { GatewayConfig } from './gatewayConfig.ts';
import type { DeviceEnrolment } from './rules/deviceEnrolment.ts';
import type { DeviceStatusView } from './rules/enrolledSession.ts';

export type GatewayServices = Readonly<{
  audit: AuditSink;
  enrolment: DeviceEnrolment;
  allowedPartners: () => readonly string[];
  /** The same partners with their names from the trust directory (for GET /_bleep/policy). */
  partnerTrusts: () => readonly PartnerTrust[];
  /** When the directory in force expires (ISO 8601), for the metrics; undefined while none is. */
  directoryExpiresAt: () => string | undefined;
  devices: DeviceStatusView;
  expiryReports: ExpiryReportStore;
  identities: IdentityStore;
  staff: StaffDirectoryStore;
  close: () => Promise<void>;
}>;

const directoryReloadMs = 5 * 60_000;

export async function createGatewayServices(
  input: Readonly<{
    config: GatewayConfig;
    policy: TrustPolicy;
    database: Pool;
    log: Logger;
    clock?: () => Date;
  }>,
): Promise<GatewayServices> {
  const { config, policy, database, log } = input;
  const clock = input.clock ?? (() => new Date());
  // Made by `bleep-policy migrate` as the database owner: the gateway's role cannot, by design.
  await requireTables(database, [
    ...auditTables,
    ...enrolmentTables,
    ...directoryTables,
    ...expiryTables,
    ...identityTables,
    ...staffTables,
  ]);
  const audit = createAuditLog({ pool: database, clock });
  const newestAcceptedIssuedAt = await readNewestAcceptedIssuedAt(database);
  const directory = createDirectoryStore({
    authorityKey: createPublicKey(await readFile(config.TRUST_DIRECTORY_PUBLIC_KEY_PATH)),
    clock,
    ...(newestAcceptedIssuedAt ? { newestAcceptedIssuedAt } : {}),
  });

  // Expiry warnings go to the log at every reload but to the audit trail once a day, not every five minutes.
  let lastExpiryAudit = 0;
  // A refused file is audited once, not at every reload while it stays in place.
  let lastRefusal: string | undefined;

  async function loadDirectory(): Promise<void> {
    const fileText = await readFile(config.TRUST_DIRECTORY_PATH, 'utf8');
    const before = directory.inForce()?.issuedAt;
    const problem = directory.load(fileText);
    if (problem) {
      log.warn(
        { code: problem.code },
        `trust directory refused, the last good one stays in force: ${problem.message}`,
      );
      const refusal = `${problem.code}\n${fileText}`;
      if (refusal !== lastRefusal) {
        lastRefusal = refusal;
        await audit.record({
          actor: null,
          device: null,
          action: 'directory:refused',
          room: null,
          result: problem.code,
        });
      }
    } else {
      lastRefusal = undefined;
      const accepted = directory.inForce()?.issuedAt;
      if (accepted && accepted !== before) {
        await recordAcceptedIssuedAt(database, accepted);
        // Which partners the trust may federate with follows the directory: its changes belong in the audit.
        await audit.record({
          actor: null,
          device: null,
          action: 'directory:accepted',
          room: null,
          result: 'ok',
          detail: { issuedAt: accepted },
        });
      }
    }
    const status = directory.status();
    if (status.state === 'expiring' || status.state === 'expired') {
      log.warn(
        { status },
        'the trust directory is near or past its expiry: ask the directory authority for a new one',
      );
      if (clock().getTime() - lastExpiryAudit >= 86_400_000) {
        lastExpiryAudit = clock().getTime();
        await audit.record({
          actor: null,
          device: null,
          action: 'directory:expiry',
          room: null,
          result: status.state,
        });
      }
    }
  }

  await loadDirectory();
  if (directory.status().state === 'none') {
    throw new Error(
      `no valid trust directory at ${config.TRUST_DIRECTORY_PATH}: the gateway will not start without one`,
    );
  }
  const reload = setInterval(() => {
    loadDirectory().catch((error: unknown) => {
      log.warn(
        { err: { message: (error as Error).message } },
        'trust directory reload failed; the last good one stays',
      );
    });
  }, directoryReloadMs);
  reload.unref();
  // Revocations arrive at once by NOTIFY; the minute's full reload is the safety net for a lost notification.
  const devices = await createDeviceStatusWatch({
    pool: database,
    log: log.child({ module: 'deviceStatusWatch' }),
    reloadMs: 60_000,
  });
  return {
    audit,
    enrolment: createEnrolmentStore({ pool: database, clock }),
    allowedPartners: () => directory.allowedPartners(policy.federation.partners),
    partnerTrusts: () => directory.partnerTrusts(policy.federation.partners),
    directoryExpiresAt: () => directory.inForce()?.expiresAt,
    devices,
    expiryReports: createExpiryReportStore({ pool: database, clock }),
    identities: createIdentityStore({
      pool: database,
      sealingKey: parseSealingKey(await readFile(config.IDENTITY_SEALING_KEY_PATH, 'utf8')),
      clock,
    }),
    staff: createStaffDirectoryStore({ pool: database, clock }),
    close: async () => {
      clearInterval(reload);
      await devices.close();
    },
  };
}
