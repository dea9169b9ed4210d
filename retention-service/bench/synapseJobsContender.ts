// Contender 2: Synapse's own retention jobs (`retention: enabled: true`, a default policy with the trust's window as
// max_lifetime, one purge job). Synapse runs the job first one interval after it starts, and then starts a history
// purge for every room at once in the background; the bench reads Synapse's log to see the job start and every
// purge it started finish ("[purge] complete" or "[purge] failed"), and times from the job's start to the last.
import { readFile } from 'node:fs/promises';
import { writeConfigVariant } from './benchHomeserver.ts';
import { ContenderTimeout, type Contender, type ContenderContext } from './contender.ts';
import { countPurgeLines, type PurgeLineCounts } from './synapsePurgeLog.ts';

const configFile = 'homeserver-synapse-retention.yaml';

/** The log and what Synapse rotated out of it since it started (oldest first). */
async function readCounts(path: string): Promise<PurgeLineCounts> {
  const texts = await Promise.all(
    [`${path}.2`, `${path}.1`, path].map((file) => readFile(file, 'utf8').catch(() => '')),
  );
  return countPurgeLines(texts.join('\n'));
}

export const synapseJobsContender: Contender = {
  id: 'synapse-jobs',
  title: "Synapse's built-in retention jobs",
  synapseConfig: (context: ContenderContext) =>
    writeConfigVariant(context.homeserver, configFile, {
      retention: {
        enabled: true,
        default_policy: { max_lifetime: `${context.homeserver.trust.policy.retention.serverHours}h` },
        purge_jobs: [{ interval: `${context.settings.BENCH_SYNAPSE_JOB_INTERVAL_SECONDS}s` }],
      },
    }),
  async purge(context) {
    const logPath = context.homeserver.files.synapseLog;
    const deadline = Date.now() + context.settings.BENCH_CONTENDER_TIMEOUT_SECONDS * 1000;
    let startedAt: number | undefined;
    let lastStartSeen = Date.now();
    let lastStarted = 0;
    let lastEnded = 0;
    let lastEndSeen = Date.now();
    for (;;) {
      if (Date.now() > deadline)
        throw new ContenderTimeout("Synapse's retention jobs did not finish in time");
      const counts = await readCounts(logPath);
      const now = Date.now();
      if (startedAt === undefined && counts.jobRuns > 0) {
        startedAt = now;
        lastStartSeen = now;
      }
      if (counts.started !== lastStarted) {
        lastStarted = counts.started;
        lastStartSeen = now;
      }
      if (counts.completed + counts.failed !== lastEnded) {
        lastEnded = counts.completed + counts.failed;
        lastEndSeen = now;
      }
      // The job starts its purges one room after another without waiting for them; once no new one has started
      // for 3 s and every one started has ended, the job's work is done.
      if (
        startedAt !== undefined &&
        now - lastStartSeen > 3000 &&
        counts.completed + counts.failed >= counts.started
      ) {
        return {
          startedAt,
          // When the last purge was seen to end (within one 200 ms poll), not when the bench was sure of it.
          finishedAt: Math.max(startedAt, lastEndSeen),
          detail: [
            `job runs ${counts.jobRuns}; purges started ${counts.started}, complete ${counts.completed}, failed ${counts.failed}; rooms skipped ${counts.skipped}`,
          ],
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  },
};
