// docker-compose.yml run for real: Debian's Docker engine (installed and started when missing), every image built
// from local bases without any registry (deploy/compose/), both trusts brought up from the production file with a
// test .env, a referral carried end to end encrypted between them through their gateways, one trust's containers
// restarted and the conversation carried on, then everything removed. Needs root, the Debian mirror and the npm
// registry (the images' npm ci); a machine whose engine cannot start fails here, never skips.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDockerEngine } from '../../compose/dockerEngine.ts';
import { DockerCommandError, runDocker } from '../../compose/dockerCommand.ts';
import { ensureLocalBaseImages } from '../../compose/localBaseImages.ts';
import { consoleReporter } from '../../local/src/progress.ts';
import {
  eventually,
  findDecryptedText,
  openReferralRoom,
  type Clinician,
} from '../integration/clinicianClient.ts';
import { signInComposeClinician, storedMessageEvents } from './composeClinician.ts';
import { composeProject, type ComposeProject } from './composeProject.ts';
import { addTestAddresses, removeAddresses } from './publicAddresses.ts';
import { mintRetentionToken, setEnvValue } from './retentionAdminToken.ts';
import { composeTrusts, makeTestDeployment, type TestDeployment } from './testDeployment.ts';

const cacheDir = join(process.env.BLEEP_CACHE_DIR ?? '/var/cache/bleep', 'compose-images');
const oneShots = ['synapse-config', 'bleep-migrate', 'retention-migrate', 'retention-grant-synapse'];
const longRunning = ['postgres', 'synapse', 'gateway', 'retention'];
const servicesOf = (trust: string, kinds: readonly string[]): string[] =>
  kinds.map((kind) => `${kind}-${trust}`);
const allLongRunning = composeTrusts.flatMap((trust) => servicesOf(trust, longRunning));
const healthyWithinMs = 300_000;

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** "EXITCODE STATUS STARTEDAT" of each container of the service. */
async function containerStates(project: ComposeProject, service: string): Promise<string[]> {
  const ids = (await project.compose(['ps', '-q', service])).split('\n').filter((id) => id !== '');
  const format = '{{.State.ExitCode}} {{.State.Status}} {{.State.StartedAt}}';
  return Promise.all(ids.map(async (id) => (await runDocker(['inspect', '--format', format, id])).trim()));
}

/** The one-shots' containers: each ran once, to success (exit 0); with when it last started. */
async function oneShotRuns(project: ComposeProject, trust: string): Promise<Record<string, string>> {
  const runs: Record<string, string> = {};
  for (const service of servicesOf(trust, oneShots)) {
    const states = await containerStates(project, service);
    expect(states, service).toHaveLength(1);
    const [exitCode, status, startedAt = ''] = (states[0] ?? '').split(' ');
    expect(`${exitCode ?? ''} ${status ?? ''}`, service).toBe('0 exited');
    runs[service] = startedAt;
  }
  return runs;
}

describe('docker-compose.yml under a Docker engine, both trusts', () => {
  let deployment: TestDeployment | undefined;
  let project: ComposeProject | undefined;
  let addedAddresses: string[] = [];
  let consultant: Clinician | undefined;
  let surgeon: Clinician | undefined;
  let roomId = '';

  /** What beforeAll set up; a test after a failed start fails with this, not with an undefined. */
  function started(): {
    project: ComposeProject;
    deployment: TestDeployment;
    consultant: Clinician;
    surgeon: Clinician;
  } {
    if (!project || !deployment || !consultant || !surgeon) throw new Error('the deployment did not start');
    return { project, deployment, consultant, surgeon };
  }

  beforeAll(async () => {
    const reporter = consoleReporter();
    let since = Date.now();
    const engine = await ensureDockerEngine(join(cacheDir, 'logs'));
    const engineTime = seconds(since);
    const bases = await ensureLocalBaseImages(cacheDir, reporter);
    console.warn(
      bases.built.length > 0
        ? `compose test: cold build of the local bases (${bases.built.join(', ')}) took ${bases.seconds.toFixed(1)} s`
        : `compose test: local bases found in the cache (${bases.seconds.toFixed(1)} s)`,
    );
    deployment = await makeTestDeployment(await mkdtemp(join(tmpdir(), 'bleep-compose-')), bases.images);
    const current = composeProject(deployment);
    project = current;
    // What an interrupted earlier run left behind.
    await current.down();
    addedAddresses = await addTestAddresses();
    await current.compose(['config', '--quiet']);
    since = Date.now();
    await current.compose(['build']);
    const buildTime = seconds(since);
    since = Date.now();
    await current.compose(['up', '--detach']);
    await current.waitHealthy(allLongRunning, healthyWithinMs);
    console.warn(
      `compose test: engine ${engineTime}${engine.startedDaemon ? ' (dockerd started)' : ''}, ` +
        `images built in ${buildTime}, both trusts up and healthy in ${seconds(since)}`,
    );

    // The desktops trust each trust's own CA, as a trust's managed desktops would.
    const cas = await Promise.all(
      composeTrusts.map((trust) => readFile(deployment?.trusts[trust].caCertPath ?? '', 'utf8')),
    );
    setDefaultCACertificates([...getCACertificates('default'), ...cas]);
    consultant = await signInComposeClinician(current, deployment.trusts['trust-a'], 'cardiology-consultant');
    surgeon = await signInComposeClinician(current, deployment.trusts['trust-b'], 'cardiothoracic-surgeon');
  });

  afterAll(async () => {
    consultant?.stop();
    surgeon?.stop();
    try {
      await project?.down();
    } finally {
      await removeAddresses(addedAddresses);
      if (deployment) await rm(deployment.dir, { recursive: true, force: true });
    }
  });

  it('ran every one-shot to success and keeps every service healthy', async () => {
    const { project } = started();
    for (const trust of composeTrusts) await oneShotRuns(project, trust);
    await project.waitHealthy(allLongRunning, 10_000);
  });

  it('carries a referral from trust A to trust B through both gateways, decrypted at B, stored at B as ciphertext', async () => {
    const { project, deployment, consultant, surgeon } = started();
    roomId = await openReferralRoom(consultant, surgeon, 'Referral: cardiothoracic opinion');
    const referral = `Please review: 68M, severe AS ${Date.now()}`;
    await consultant.client.sendTextMessage(roomId, referral);
    const received = await eventually('the referral to arrive decrypted at trust B', () =>
      findDecryptedText(surgeon.client, roomId, referral),
    );
    expect(received.getWireType()).toBe('m.room.encrypted');
    expect(received.isDecryptionFailure()).toBe(false);
    expect(received.getSender()).toBe(consultant.userId);
    // Trust B's Synapse holds the message events only as m.room.encrypted, and the text nowhere.
    const stored = await storedMessageEvents(project, deployment.trusts['trust-b'], roomId, referral);
    expect(stored).toEqual({ types: ['m.room.encrypted'], holdingText: 0 });
  });

  it("carries messages both ways again after trust B's containers are stopped and brought up again", async () => {
    const { project, deployment, consultant, surgeon } = started();
    const trustB = [...servicesOf('trust-b', longRunning), ...servicesOf('trust-b', oneShots)];
    const firstRuns = await oneShotRuns(project, 'trust-b');
    const since = Date.now();
    await project.compose(['stop', ...servicesOf('trust-b', longRunning)]);
    await project.compose(['up', '--detach', ...trustB]);
    await project.waitHealthy(servicesOf('trust-b', longRunning), healthyWithinMs);
    console.warn(`compose test: trust B restarted and healthy in ${seconds(since)}`);
    // The one-shots ran again at this `up`, and succeeded again: they are idempotent.
    const againRuns = await oneShotRuns(project, 'trust-b');
    for (const service of servicesOf('trust-b', oneShots)) {
      expect(againRuns[service], service).not.toBe(firstRuns[service]);
    }

    const followUp = `Echo done, please see today ${Date.now()}`;
    await consultant.client.sendTextMessage(roomId, followUp);
    const received = await eventually(
      'the follow-up to arrive decrypted at the restarted trust B',
      () => findDecryptedText(surgeon.client, roomId, followUp),
      120_000,
    );
    expect(received.isDecryptionFailure()).toBe(false);
    const reply = `Accepted, clinic on Thursday ${Date.now()}`;
    await surgeon.client.sendTextMessage(roomId, reply);
    const answered = await eventually('the reply to arrive decrypted at trust A', () =>
      findDecryptedText(consultant.client, roomId, reply),
    );
    expect(answered.getWireType()).toBe('m.room.encrypted');
    expect(answered.getSender()).toBe(surgeon.userId);
    const stored = await storedMessageEvents(project, deployment.trusts['trust-b'], roomId, followUp);
    expect(stored).toEqual({ types: ['m.room.encrypted'], holdingText: 0 });
  });
  it("runs each trust's retention service, refused on the placeholder token, clean once its token is minted as deploy/README.md says", async () => {
    const { project, deployment } = started();
    const retentionRun = (trust: string): Promise<string> =>
      project.compose([
        'run',
        '--rm',
        '--no-deps',
        '-T',
        `retention-${trust}`,
        'node',
        'retention-service/src/cli/bleepRetention.ts',
        'run',
        '--json',
      ]);
    for (const trust of composeTrusts) {
      // The control: a run with .env.example's placeholder stops at the token, which is asked first.
      const refused = await retentionRun(trust).then(
        () => 'it exited 0',
        (error: unknown) => (error instanceof DockerCommandError ? error.output : String(error)),
      );
      expect(refused).toContain('SYNAPSE_ADMIN_TOKEN_REJECTED');
      const token = await mintRetentionToken(project, deployment.trusts[trust], 90);
      await setEnvValue(
        deployment,
        `TRUST_${trust === 'trust-a' ? 'A' : 'B'}_RETENTION_SYNAPSE_ADMIN_TOKEN`,
        token,
      );
    }
    const gatewayBefore = await project.compose(['ps', '-q', 'gateway-trust-a']);
    await project.compose(['up', '--detach']);
    await project.waitHealthy(allLongRunning, healthyWithinMs);
    // A changed variable recreates only the service that reads it.
    expect(await project.compose(['ps', '-q', 'gateway-trust-a'])).toBe(gatewayBefore);
    for (const trust of composeTrusts) {
      const summary = JSON.parse(await retentionRun(trust)) as { clean: boolean; failures: unknown[] };
      expect(summary, trust).toMatchObject({ clean: true, failures: [] });
    }
  });
});
