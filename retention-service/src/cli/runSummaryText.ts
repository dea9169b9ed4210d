// A run's summary as a person reads it at a terminal (`bleep-retention run`), or as JSON for scripts and tests.
import type { RunSummary } from '../run/retentionRun.ts';

export function runSummaryJson(summary: RunSummary): string {
  return JSON.stringify(summary, null, 2);
}

export function runSummaryText(summary: RunSummary): string {
  const { window } = summary;
  const lines = [
    summary.status === 'skipped'
      ? 'Not run: another retention run holds the lock.'
      : `Run ${summary.runId ?? '(not recorded)'}: ${summary.status}${summary.clean ? ', proof clean' : ''}`,
    `  window      ${window.windowSeconds} s (${window.windowSource}); purged what was received before ${window.cutoff.toISOString()}`,
    `  proof       ${summary.proofRan ? `looked for anything received before ${window.proofHorizon.toISOString()}` : 'did not run'}`,
    `  rooms       ${summary.rooms.total} (${summary.rooms.purged} purged, ${summary.rooms.waitingForPartner} waiting for a partner, ${summary.rooms.held} under legal hold, ${summary.rooms.failed} failed)`,
    `  purged      ${Object.entries(summary.purged)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
  ];
  for (const finding of summary.findings) {
    lines.push(
      `  FINDING     ${finding.kind}: ${finding.count}${finding.roomId ? ` in ${finding.roomId}` : ''}${finding.oldest ? `, oldest ${finding.oldest.toISOString()}` : ''}`,
    );
  }
  for (const kept of summary.held) {
    lines.push(
      `  HELD        ${kept.kind}: ${kept.count}${kept.roomId ? ` in ${kept.roomId}` : ''} kept by a legal hold${kept.oldest ? `, oldest ${kept.oldest.toISOString()}` : ''}`,
    );
  }
  if (summary.clientExpiry) {
    const expiry = summary.clientExpiry;
    lines.push(
      `  expiry      ${expiry.sessions} sessions (${expiry.enrolled} on enrolled desktops, ${expiry.overdue} overdue); ${expiry.warned} warned; signed out ${Object.entries(
        expiry.signedOut,
      )
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ')}${expiry.failed > 0 ? `; ${expiry.failed} sign-outs FAILED` : ''}`,
    );
  }
  for (const failure of summary.failures) {
    lines.push(
      `  FAILED      ${failure.step}${failure.roomId ? ` ${failure.roomId}` : ''}: ${failure.code} ${failure.message}`,
    );
  }
  return lines.join('\n');
}
