import { describe, expect, it } from 'vitest';
import { policyRefusal } from '../matrixError.ts';
import { applyClientRules, clientRules } from './ruleBook.ts';
import { allow, type PolicyRule, type RuleVerdict } from './rule.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const room = '/_matrix/client/v3/rooms/!r:northgate.nhs.uk';

/** A request each rule of the book refuses, by the rule's name. */
const refusedBy: Readonly<Record<string, readonly [string, string, unknown]>> = {
  'no-key-copies': ['GET', '/_matrix/client/v3/room_keys/version', undefined],
  'trust-held-identity': ['POST', '/_matrix/client/v3/keys/device_signing/upload', { master_key: {} }],
  'no-patient-identifiers': ['PUT', `${room}/state/m.room.name/`, { name: 'Bed 4 - 943 476 5919' }],
  'account-data-types': [
    'PUT',
    '/_matrix/client/v3/user/@a:northgate.nhs.uk/account_data/com.example.notes',
    {},
  ],
  'invite-scope': ['POST', `${room}/invite`, { user_id: '@someone:elsewhere.example' }],
  'room-shape': ['PUT', `${room}/state/m.room.join_rules/`, { join_rule: 'public' }],
  'plaintext-shapes': ['PUT', `${room}/redact/$e/t1`, { reason: 'duplicate', body: 'bed 4' }],
  'e2ee-only': ['PUT', `${room}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hello' }],
  'content-free-push': ['POST', '/_matrix/client/v3/pushers/set', { kind: 'email', app_id: 'm.email' }],
};

function rule(name: string, verdict: (body: unknown) => RuleVerdict): PolicyRule {
  return { name, check: ({ body }) => verdict(body) };
}

describe('the rule book', () => {
  it('refuses under the name each rule gives its refusals, for every rule it holds', () => {
    expect(clientRules.map((each) => each.name).sort()).toEqual(Object.keys(refusedBy).sort());
    for (const each of clientRules) {
      const [method, path, body] = refusedBy[each.name] ?? ['GET', '/', undefined];
      const result = applyClientRules(ruleRequest(method, path, body), ruleContext());
      expect(result.rule, each.name).toBe(each.name);
      expect(result.verdict.outcome === 'refuse' && result.verdict.error.rule, each.name).toBe(each.name);
    }
  });

  it('refuses an NHS number before whatever else is wrong with the same request', () => {
    const result = applyClientRules(
      ruleRequest('PUT', `${room}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'NHS 943 476 5919' }),
      ruleContext(),
    );
    expect(result.rule).toBe('no-patient-identifiers');
  });

  it('stops at the first refusal, and hands each rule the body the rules before it rewrote', () => {
    const seen: unknown[] = [];
    const rules = [
      rule('adds-a', (body) => ({ outcome: 'rewrite', body: { ...(body as object), a: 1 } })),
      rule('sees', (body) => {
        seen.push(body);
        return allow;
      }),
      rule('refuses', () => ({ outcome: 'refuse', error: policyRefusal('refuses', 'no') })),
      rule('never-asked', () => {
        throw new Error('asked after a refusal');
      }),
    ];
    const result = applyClientRules(
      ruleRequest('POST', '/_matrix/client/v3/createRoom', {}),
      ruleContext(),
      rules,
    );
    expect(seen).toEqual([{ a: 1 }]);
    expect(result).toMatchObject({ rule: 'refuses', verdict: { outcome: 'refuse' }, body: { a: 1 } });
  });

  it('calls a request rewritten when any rule rewrote it, and allowed, unchanged, when none did', () => {
    const request = ruleRequest('POST', '/_matrix/client/v3/createRoom', { name: 'x' });
    const rewrites = [
      rule('adds-a', (body) => ({ outcome: 'rewrite', body: { ...(body as object), a: 1 } })),
      rule('allows', () => allow),
    ];
    expect(applyClientRules(request, ruleContext(), rewrites)).toEqual({
      verdict: { outcome: 'rewrite', body: { name: 'x', a: 1 } },
      body: { name: 'x', a: 1 },
    });
    expect(applyClientRules(request, ruleContext(), [rule('allows', () => allow)])).toEqual({
      verdict: { outcome: 'allow' },
      body: { name: 'x' },
    });
  });
});
