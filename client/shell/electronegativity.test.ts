// Doyensec's electronegativity over the shell's source: every finding must be on the allow-list below, each with
// its reason, and every entry on the list must still be found (a stale excuse is removed, not kept). It runs offline:
// the tool fetches translations and Electron's release list with `got`, which is stood in for by one that fails at
// once, and the one check that needs that release list is left out (npm audit and Electron upgrades cover it).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './main/contentSecurityPolicy.ts';

type Finding = Readonly<{
  id: string;
  file: string;
  location: Readonly<{ line: number; column: number }>;
  description: string;
  manualReview: boolean;
}>;
type Scan = (options: Readonly<Record<string, unknown>>) => Promise<{ issues: Finding[]; errors: unknown[] }>;
type CspEvaluator = {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (
    csp: unknown,
    version: unknown,
  ) => { evaluate(): { severity: number; directive: string; value?: string }[] };
  Version: { CSP3: unknown };
  severities: Readonly<Record<string, number>>;
};

type AllowedFinding = Readonly<{ id: string; file: string; reason: string }>;

const allowList: readonly AllowedFinding[] = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'N/A',
    reason:
      'The CSP is a response header the bleep:// handler adds to every file (contentSecurityPolicy.ts); the tool ' +
      'sees only literal headers and <meta> tags. Its own evaluator judges our policy in the test below.',
  },
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'main/appWindow.ts',
    reason:
      'A reminder to review the preload. It is the bridge contract and nothing more: sandboxed, two functions, ' +
      'answers checked, no IPC event handed to the page (preload/desktopBridgeClient.test.ts).',
  },
];

const shellDirectory = fileURLToPath(new URL('./', import.meta.url));
const require = createRequire(import.meta.url);
const electronegativityPath = require.resolve('@doyensec/electronegativity');
const toolRequire = createRequire(electronegativityPath);

function offline(): void {
  const gotPath = toolRequire.resolve('got');
  const refuse = () => Promise.reject(new Error('electronegativity runs offline in the tests'));
  const exports = Object.assign(refuse, { head: refuse, get: refuse });
  require.cache[gotPath] = {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports,
  } as unknown as NodeJS.Module;
}

/** The high and medium findings of the csp-evaluator electronegativity uses, as "directive source". */
function seriousCspFindings(policy: string): string[] {
  const csp = toolRequire('@doyensec/csp-evaluator') as CspEvaluator;
  const findings = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
  const serious = new Set([csp.severities.HIGH, csp.severities.MEDIUM]);
  return findings
    .filter((finding) => serious.has(finding.severity))
    .map((finding) => `${finding.directive} ${finding.value ?? ''}`.trim());
}

function key(finding: Readonly<{ id: string; file: string }>): string {
  return `${finding.id} ${finding.file}`;
}

describe('electronegativity over the shell', () => {
  it('finds nothing that is not on the explained allow-list, and every entry is still needed', async () => {
    offline();
    const scan = require(electronegativityPath) as Scan;
    const electronVersion = (require('electron/package.json') as { version: string }).version;
    const result = await scan({
      input: shellDirectory,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    });
    expect(result.errors).toEqual([]);
    const allowed = new Set(allowList.map(key));
    const unexplained = result.issues
      .filter((finding) => !allowed.has(key(finding)))
      .map((finding) => `${key(finding)}:${finding.location.line} ${finding.description}`);
    expect(unexplained).toEqual([]);
    const found = new Set(result.issues.map(key));
    expect(allowList.filter((entry) => !found.has(key(entry)))).toEqual([]);
    for (const entry of allowList) expect(entry.reason.length, key(entry)).toBeGreaterThan(20);
  }, 120_000);

  it("judges the shell's CSP with no high or medium finding by the tool's own evaluator", () => {
    expect(seriousCspFindings(contentSecurityPolicy({ allowLoopbackHttp: false }))).toEqual([]);
  });

  it('finds only the loopback http sources in the local-stack CSP (never in a packaged build)', () => {
    expect(seriousCspFindings(contentSecurityPolicy({ allowLoopbackHttp: true }))).toEqual([
      'connect-src http://127.0.0.1:*',
      'connect-src http://localhost:*',
    ]);
  });
});
