// Builds rule inputs for the rules' unit tests: a real parsed policy and classified requests.
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { classifyRequest } from '../classifyRequest.ts';
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
    findNhsNumbers: () => [],
    ...overrides,
  };
}

export function ruleRequest(method: string, path: string, body?: unknown): RuleRequest {
  return { method, classified: classifyRequest(method, path), body, headers: {} };
}
