import { describe, expect, it } from 'vitest';
import { countPurgeLines, purgeSpan } from './synapsePurgeLog.ts';

describe("reading Synapse's retention job from its log", () => {
  it('counts the job runs and the purges it started, completed, failed and skipped', () => {
    const log = [
      '2026-11-28 12:38:57,811 - synapse.handlers.pagination - 225 - INFO - purge_history_for_rooms_in_range-0 - [purge] Running retention purge job for None < max_lifetime <= None (include NULLs = True)',
      '2026-11-28 12:38:57,859 - synapse.handlers.pagination - 297 - INFO - purge_history_for_rooms_in_range-0 - Starting purging events in room !a:bench',
      '2026-11-28 12:38:57,860 - synapse.handlers.pagination - 297 - INFO - purge_history_for_rooms_in_range-0 - Starting purging events in room !b:bench',
      '2026-11-28 12:38:57,900 - synapse.handlers.pagination - 383 - INFO - purge_history-0 - [purge] complete',
      '2026-11-28 12:38:57,901 - synapse.handlers.pagination - 388 - ERROR - purge_history-1 - [purge] failed',
      '2026-11-28 12:38:57,902 - synapse.handlers.pagination - 286 - WARNING - purge_history_for_rooms_in_range-0 - [purge] purging events not possible: No event found (ts 1 => stream_ordering 2)',
    ].join('\n');
    expect(countPurgeLines(log)).toEqual({ jobRuns: 1, started: 2, completed: 1, failed: 1, skipped: 1 });
  });

  it('times the purges from the first one looking for events to the last one complete', () => {
    const log = [
      '2026-11-28 12:38:57,866 - synapse.storage.databases.main.purge_events - 208 - INFO - purge_history-0 - [purge] looking for events to delete',
      '2026-11-28 12:38:58,100 - synapse.storage.databases.main.purge_events - 208 - INFO - purge_history-1 - [purge] looking for events to delete',
      '2026-11-28 12:38:58,366 - synapse.handlers.pagination - 383 - INFO - purge_history-0 - [purge] complete',
      '2026-11-28 12:39:00,066 - synapse.handlers.pagination - 383 - INFO - purge_history-1 - [purge] complete',
    ].join('\n');
    expect(purgeSpan(log)).toEqual({ purges: 2, seconds: 2.2 });
    expect(purgeSpan('')).toBeUndefined();
  });
});
