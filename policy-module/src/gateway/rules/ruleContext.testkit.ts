// Builds rule inputs for the rules' unit tests: a real parsed policy and requests matched against the real route
// table (a path the table does not hold fails the test, rather than testing a rule on a request it never sees).
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { matchClientRoute } from '../routes/matchClientRoute.ts';
import type { Identity } from '../whoAmI.ts';
import type { RuleContext, RuleRequest } from './rule.ts';

export const testPolicy = parsePolicy(
  {
    version: 1,
    trust: {
      name: 'Northgate Hospitals NHS Foundation Trust',
      odsCode: 'RXA',
      serverName: 'northgate.nhs.uk',
    },
    federation: { partners: ['southmere.nhs.uk', 'unvouched.nhs.uk'] },
  },
  'rule test policy',
);

export function ruleContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    policy: testPolicy,
    // The signed directory vouches for southmere only.
    allowedPartners: () => ['southmere.nhs.uk'],
    ...overrides,
  };
}

export const testIdentity: Identity = { userId: '@a:northgate.nhs.uk', deviceId: 'PC1' };

export function ruleRequest(
  method: string,
  path: string,
  body?: unknown,
  identity: Identity = testIdentity,
): RuleRequest {
  const match = matchClientRoute(method, path);
  if (match.outcome !== 'route')
    throw new Error(`${method} ${path} is not in the route table (${match.outcome})`);
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  return { method, route: match.route, params: match.params, query, contentType: undefined, body, identity };
}
