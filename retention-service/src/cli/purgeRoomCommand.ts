// bleep-retention purge-room <room id> --reason TEXT --reference TEXT [--media mxc://...]... [--by NAME] [--json]:
// an information-governance officer purges one room's history up to now after a data incident (see
// purge/purgeRoomNow.ts). Exit 0 only when nothing of the room's history holds content any more.
import { pino } from 'pino';
import { parseRetentionConfig } from '../config/retentionConfig.ts';
import type { RoomPurgeResult } from '../purge/purgeRoomNow.ts';
import { createRetentionServices } from '../retentionServices.ts';
import { exitCodes, operatorName, optionsWithPositionals } from './cliArguments.ts';

export const purgeRoomUsage = `  purge-room <room id> --reason TEXT --reference TEXT [--media mxc://SERVER/ID]... [--by NAME] [--json]
                                               purge one room's history up to now (refused under a legal hold)`;

function describe(result: RoomPurgeResult): string {
  const { counts } = result;
  const lines = [
    `Room purge ${result.id} of ${result.roomId}: ${result.outcome}`,
    `  up to       ${result.cutoff.toISOString()}`,
    `  removed     ${counts.eventsPurged} events, ${counts.searchRows} search rows, ${counts.media} attachments` +
      ` (${counts.redactionsSent} redactions sent to erase the latest)`,
  ];
  if (counts.eventsLeft > 0 || counts.searchRowsLeft > 0) {
    lines.push(
      `  LEFT        ${counts.eventsLeft} events and ${counts.searchRowsLeft} search rows still hold content` +
        (result.outcome === 'waiting-for-partner'
          ? ": the latest is a partner's message no member here may erase; ask the partner trust to purge it"
          : ': redacted events are erased by Synapse within minutes; run purge-room again to check'),
    );
  }
  if (result.failure) lines.push(`  FAILED      ${result.failure.code} ${result.failure.message}`);
  return lines.join('\n');
}

export async function purgeRoomCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = optionsWithPositionals(
    args,
    {
      reason: { type: 'string' },
      reference: { type: 'string' },
      media: { type: 'string', multiple: true },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    ['room id'],
  );
  const config = parseRetentionConfig(process.env);
  const services = await createRetentionServices(
    config,
    pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2)),
  );
  try {
    const result = await services.runner.purgeRoomNow({
      roomId: positionals[0],
      reason: values.reason ?? '',
      reference: values.reference ?? '',
      media: values.media ?? [],
      by: operatorName(values.by),
    });
    process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : describe(result)}\n`);
    const complete = !result.failure && result.counts.eventsLeft === 0 && result.counts.searchRowsLeft === 0;
    return complete ? exitCodes.ok : exitCodes.failed;
  } finally {
    await services.close();
  }
}
