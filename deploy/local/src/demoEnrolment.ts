// One-time enrolment codes for a demonstration desktop, issued at each `up` so a person who has never seen Bleep
// can enrol the browser they open it in: each for a new device id (DEMO-1, DEMO-2, ...), through trust IT's own
// command (bleep-policy list-devices and enrol-device), so the local stack issues codes exactly as a trust would.
import { runBleepPolicy } from './bleepPolicyProcess.ts';
import { StepError } from './progress.ts';
import type { RunningTrust } from './stackStatus.ts';

export const demoCodeLifetimeHours = 72;

export type DemoEnrolment = Readonly<{
  trust: string;
  /** The trust's name from its policy, as the sign-in page offers it. */
  displayName: string;
  /** The gateway's client address: what the sign-in page's "Server" field takes. */
  serverUrl: string;
  deviceId: string;
  code: string;
}>;

/**
 * The next unused demo device id, from list-devices' table (device id first on each row). Ids already issued,
 * redeemed or not, are skipped: enrolling a pending one again would silently kill the code printed before it.
 */
export function nextDemoDeviceId(listDevicesOutput: string): string {
  let highest = 0;
  for (const line of listDevicesOutput.split('\n')) {
    const number = /^DEMO-(\d+)(?:\s|$)/.exec(line)?.[1];
    if (number !== undefined) highest = Math.max(highest, Number(number));
  }
  return `DEMO-${highest + 1}`;
}

/** The code enrol-device printed (its own indented line, groups of four), or undefined if there is none. */
export function enrolmentCodeIn(enrolDeviceOutput: string): string | undefined {
  return /^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4})+)\s*$/m.exec(enrolDeviceOutput)?.[1];
}

export async function issueDemoEnrolment(trust: RunningTrust, displayName: string): Promise<DemoEnrolment> {
  // Only the trust's database, as trust IT's environment would have it.
  const env = { BLEEP_DATABASE_URL: trust.policyDatabaseUrl };
  const deviceId = nextDemoDeviceId(await runBleepPolicy(['list-devices'], env));
  const output = await runBleepPolicy(
    [
      'enrol-device',
      '--device-id',
      deviceId,
      '--label',
      'Demo desktop (npm start)',
      '--expires-hours',
      String(demoCodeLifetimeHours),
      '--by',
      'local stack',
    ],
    env,
  );
  const code = enrolmentCodeIn(output);
  if (code === undefined) throw new StepError(`bleep-policy enrol-device printed no code for ${deviceId}`);
  return { trust: trust.name, displayName, serverUrl: trust.clientUrl, deviceId, code };
}
