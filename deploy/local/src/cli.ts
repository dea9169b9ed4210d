// `npm run stack -- up|status|stop|passwords|reset|policy`: the local runner's command line. Only wiring and
// printing here.
import { parseArgs } from 'node:util';
import { defaultTrustNames } from './localTrusts.ts';
import { stackStaffPasswords } from './stackPasswords.ts';
import { stackStatus, type TrustStatus } from './stackStatus.ts';
import { stackReset, stackStop } from './stackStop.ts';
import { stackUp, type UpResult } from './stackUp.ts';
import { runPolicyCommand } from './policyCommand.ts';
import { runRetentionCommand } from './retentionCommand.ts';
import { consoleReporter } from './progress.ts';
import { seedStaffByTrust, type SeededAccount } from './seedStaff.ts';
import { clientAppStatus, type ClientAppStatus } from './clientAppStatus.ts';
import { demoCodeLifetimeHours } from './demoEnrolment.ts';

const usage = `usage: npm run stack -- <command> [trust ...]
  up [trust ...]      build what is missing and start the trusts (default: ${defaultTrustNames.join(' ')}) and the
                      client app; prints its address and an enrolment code per trust for a demo desktop
     [--hide-passwords] print no passwords or enrolment codes (for logs that others read, such as CI)
  status [--json]     what is running; --json prints {"trusts":[...],"clientAppUrl":...} for scripts
  stop [trust ...]    stop the trusts (default: all that run, and the client app)
  passwords <trust>   new passwords for a running trust's seed staff (signs them out everywhere)
  reset               stop everything and wipe all local state (accounts, rooms, keys, databases)
  policy <trust> ...  trust IT's bleep-policy command for a local trust, e.g.
                      policy trust-a enrol-device --device-id WARD12-PC03 --label "Ward 12 nurses' station"
  retention <trust> run [--older-than SECONDS] [--json]
                      one retention run now, with its proof; exits 0 only when nothing failed and the proof
                      found nothing (--older-than, for tests and demonstrations, replaces the policy's window)
  retention <trust> report   the trust's compliance report (JSON)`;

function accountLines(accounts: readonly SeededAccount[], hidePasswords: boolean): string[] {
  const idWidth = Math.max(...accounts.map((account) => account.userId.length));
  return accounts.map((account) => {
    const password = hidePasswords ? '' : `${account.password}   `;
    return `    ${account.userId.padEnd(idWidth)}   ${password}${account.displayName}, ${account.role}, ${account.department}`;
  });
}

function printUp(result: UpResult, hidePasswords: boolean): void {
  const out: string[] = ['', 'Bleep local stack is up.', ''];
  for (const trust of result.trusts) {
    out.push(`${trust.name}  ${trust.serverName}`);
    out.push(`  clients connect to   ${trust.clientUrl}`);
    out.push(`  federation (TLS)     ${trust.federationUrl}`);
    out.push(`  Synapse internal     ${trust.synapseUrl}  (admin API)`);
    out.push(`  retention service    ${trust.retentionUrl}  (/report, /metrics)`);
    const seeded = result.seeded[trust.name] ?? [];
    if (seeded.length > 0) {
      out.push(
        hidePasswords
          ? `  staff accounts created now (passwords hidden; \`npm run stack -- passwords ${trust.name}\` sets new ones):`
          : '  staff accounts created now (passwords are shown this once and stored nowhere):',
      );
      out.push(...accountLines(seeded, hidePasswords));
    } else if ((seedStaffByTrust[trust.name] ?? []).length > 0) {
      out.push(
        `  staff accounts made at an earlier start: \`npm run stack -- passwords ${trust.name}\` sets new passwords`,
      );
    }
    out.push('');
  }
  out.push(
    '`npm run stack -- status` shows what runs; `stop` ends it; `passwords <trust>` sets new ones; `reset` wipes it.',
    '',
    `Open Bleep in a browser: ${result.clientAppUrl}`,
  );
  const moreCodes = `npm run stack -- policy ${result.demoEnrolments[0]?.trust ?? defaultTrustNames[0]} enrol-device --device-id <ID>`;
  if (result.demoEnrolments.length > 0) {
    out.push(
      "  Sign in with a trust's server and enrolment code, and a seed account's username and password:",
    );
    const nameWidth = Math.max(...result.demoEnrolments.map((issued) => issued.displayName.length));
    for (const issued of result.demoEnrolments) {
      out.push(`    ${issued.displayName.padEnd(nameWidth)}   ${issued.serverUrl}   ${issued.code}`);
    }
    out.push(
      `  Each code enrols one browser, once, within ${demoCodeLifetimeHours} hours. More: ${moreCodes}`,
    );
  } else if (hidePasswords) {
    out.push(`  (enrolment codes hidden too; make one with: ${moreCodes})`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function clientAppLine(status: ClientAppStatus): string {
  if (status.state === 'running') return `client app: running (pid ${status.pid}) at ${status.url}\n`;
  if (status.state === 'crashed')
    return `client app: CRASHED: ${status.problem}. End of its log:\n${status.logTail}\n`;
  return 'client app: stopped\n';
}

function printStatus(statuses: readonly TrustStatus[], app: ClientAppStatus, json: boolean): void {
  const running = statuses.flatMap((status) => (status.state === 'running' ? [status.trust] : []));
  const crashed = statuses.flatMap((status) =>
    status.state === 'crashed' ? [{ name: status.name, problem: status.problem }] : [],
  );
  if (json) {
    const clientAppUrl = app.state === 'running' ? app.url : null;
    process.stdout.write(`${JSON.stringify({ trusts: running, crashed, clientAppUrl }, null, 2)}\n`);
    return;
  }
  for (const status of statuses) {
    if (status.state === 'running') {
      process.stdout.write(
        `${status.name}: running (pid ${status.pid}) ${status.trust.serverName} at ${status.trust.clientUrl}\n`,
      );
    } else if (status.state === 'crashed') {
      process.stdout.write(`${status.name}: CRASHED: ${status.problem}. End of its logs:
${status.logTail}
`);
    } else {
      process.stdout.write(`${status.name}: stopped\n`);
    }
  }
  process.stdout.write(clientAppLine(app));
}

async function main(argv: readonly string[]): Promise<number> {
  // bleep-policy's and bleep-retention's own options pass through untouched.
  if (argv[0] === 'policy') return runPolicyCommand(argv[1], argv.slice(2));
  if (argv[0] === 'retention') return runRetentionCommand(argv[1], argv.slice(2));
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean', default: false },
      'hide-passwords': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const [command, ...names] = positionals;
  const reporter = consoleReporter();
  switch (values.help ? 'help' : command) {
    case 'up':
      printUp(
        await stackUp(names.length > 0 ? names : defaultTrustNames, reporter, undefined, {
          demoEnrolments: !values['hide-passwords'],
        }),
        values['hide-passwords'],
      );
      return 0;
    case 'status': {
      const statuses = await stackStatus();
      const app = await clientAppStatus();
      printStatus(statuses, app, values.json);
      // A crashed trust or client app is a failure for scripts that check the exit code.
      return statuses.some((status) => status.state === 'crashed') || app.state === 'crashed' ? 1 : 0;
    }
    case 'stop':
      await stackStop(names, reporter);
      return 0;
    case 'passwords': {
      const [name] = names;
      if (name === undefined || names.length > 1) {
        process.stderr.write('usage: npm run stack -- passwords <trust>\n');
        return 2;
      }
      const accounts = await stackStaffPasswords(name);
      process.stdout.write(
        accounts.length === 0
          ? `${name} has no seed staff accounts\n`
          : `New passwords for ${name}'s staff (shown this once and stored nowhere; their devices are signed out):\n${accountLines(accounts, false).join('\n')}\n`,
      );
      return 0;
    }
    case 'reset':
      await stackReset(reporter);
      return 0;
    default:
      process.stderr.write(`${usage}\n`);
      return command === undefined || values.help ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bleep stack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
