// What Synapse's own log says about history purges (synapse/handlers/pagination.py, storage/databases/main/
// purge_events.py): how many its retention job started and finished, and when the first purge began and the last
// ended, whoever asked for them. The log's times are the chroot's clock (UTC), to the millisecond.

export type PurgeLineCounts = {
  jobRuns: number;
  started: number;
  completed: number;
  failed: number;
  skipped: number;
};

export function countPurgeLines(text: string): PurgeLineCounts {
  const counts: PurgeLineCounts = { jobRuns: 0, started: 0, completed: 0, failed: 0, skipped: 0 };
  for (const line of text.split('\n')) {
    if (line.includes('[purge] Running retention purge job')) counts.jobRuns += 1;
    else if (line.includes('Starting purging events in room')) counts.started += 1;
    else if (line.includes('[purge] complete')) counts.completed += 1;
    else if (line.includes('[purge] failed')) counts.failed += 1;
    else if (
      line.includes('[purge] purging events not possible') ||
      line.includes('[purge] not purging room')
    )
      counts.skipped += 1;
  }
  return counts;
}

function lineTime(line: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/.exec(line);
  return match ? Date.parse(`${match[1] ?? ''}T${match[2] ?? ''}.${match[3] ?? ''}Z`) : undefined;
}

export type PurgeSpan = Readonly<{ purges: number; seconds: number }>;

/** From the first purge's start to the last purge's end, in seconds; undefined when no purge ran. */
export function purgeSpan(text: string): PurgeSpan | undefined {
  let first: number | undefined;
  let last: number | undefined;
  let purges = 0;
  for (const line of text.split('\n')) {
    if (line.includes('[purge] looking for events to delete')) {
      first ??= lineTime(line);
    } else if (line.includes('[purge] complete')) {
      purges += 1;
      last = lineTime(line) ?? last;
    }
  }
  return first === undefined || last === undefined ? undefined : { purges, seconds: (last - first) / 1000 };
}
