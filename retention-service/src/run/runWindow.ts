// The times one run works to: content received before the cutoff is purged, and the proof looks for anything
// received before the proof horizon. The window is the policy's retention.serverHours; a scheduled run's proof
// allows one interval more (content becomes due between runs). A run given an override (local tests only) proves
// its own cutoff exactly, so a test can see that the run left nothing behind.
import type { TrustPolicy } from '@bleep/policy-module';

export type RunWindow = Readonly<{
  startedAt: Date;
  windowSeconds: number;
  /** Where the window came from: the policy, or a test override (`--older-than`). */
  windowSource: 'policy' | 'override';
  cutoff: Date;
  proofHorizon: Date;
}>;

export type RunWindowInput = Readonly<{
  policy: TrustPolicy;
  startedAt: Date;
  intervalSeconds: number;
  /** Replaces the policy's window for this run (allowed only where RETENTION_ALLOW_WINDOW_OVERRIDE is set). */
  olderThanSeconds?: number;
}>;

export function runWindow(input: RunWindowInput): RunWindow {
  const { policy, startedAt, intervalSeconds, olderThanSeconds } = input;
  const override = olderThanSeconds !== undefined;
  const windowSeconds = override ? olderThanSeconds : policy.retention.serverHours * 3600;
  const cutoff = new Date(startedAt.getTime() - windowSeconds * 1000);
  const graceSeconds = override ? 0 : intervalSeconds;
  return {
    startedAt,
    windowSeconds,
    windowSource: override ? 'override' : 'policy',
    cutoff,
    proofHorizon: new Date(cutoff.getTime() - graceSeconds * 1000),
  };
}
