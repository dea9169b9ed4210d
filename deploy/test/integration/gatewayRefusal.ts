// How the attack tests read the gateway's answer to one attack. What Synapse ended up holding is the verdict (each
// test checks it afterwards); the answer itself must still be honest: never a 5xx, never an access token, and a
// refusal is the gateway's own, naming the policy rule that refused (a refusal Synapse would give anyway proves
// nothing about the gateway).
import { rawRequest, type RawAnswer, type RawRequest } from './rawRequest.ts';

export type ReadAnswer =
  | Readonly<{ outcome: 'refused'; rule: string }>
  /** Let through (a 1xx-3xx, or Synapse's own error to a read): what it did is for the outcome check to judge. */
  | Readonly<{ outcome: 'passed' }>
  | Readonly<{ outcome: 'wrong'; problem: string }>;

export type ReadOptions = Readonly<{
  /**
   * Accept Synapse's own token errors (401 M_MISSING_TOKEN, M_UNKNOWN_TOKEN) without a rule: the gateway answers
   * them as Synapse would for a token it cannot single out (two of them) or that Synapse signed out, so they prove
   * nothing either way and the test's outcome check is the verdict.
   */
  tokenErrors?: boolean;
}>;

const tokenErrorCodes = new Set(['M_MISSING_TOKEN', 'M_UNKNOWN_TOKEN']);

export function readAnswer(method: string, answer: RawAnswer, options: ReadOptions = {}): ReadAnswer {
  if (answer.status >= 500)
    return { outcome: 'wrong', problem: `${answer.status} ${answer.text.slice(0, 200)}` };
  if (answer.json !== undefined && 'access_token' in answer.json) {
    return { outcome: 'wrong', problem: `${answer.status} with an access token` };
  }
  if (answer.status < 400) return { outcome: 'passed' };
  // A HEAD answer has no body to carry the error in (Node drops it): its status is all there is.
  if (method === 'HEAD') return { outcome: 'refused', rule: '(HEAD: no body)' };
  const errcode = answer.json?.errcode;
  const rule = answer.json?.['uk.nhs.bleep.rule'];
  if (typeof errcode !== 'string' || !errcode.startsWith('M_')) {
    return {
      outcome: 'wrong',
      problem: `${answer.status} without a Matrix errcode: ${answer.text.slice(0, 200)}`,
    };
  }
  if (
    typeof rule !== 'string' &&
    options.tokenErrors &&
    answer.status === 401 &&
    tokenErrorCodes.has(errcode)
  ) {
    return { outcome: 'refused', rule: `(${errcode}, as Synapse would answer)` };
  }
  // A read the gateway let through changes nothing; the error is Synapse's own (no such account data, say).
  if (typeof rule !== 'string' && method === 'GET') return { outcome: 'passed' };
  if (typeof rule !== 'string') {
    return {
      outcome: 'wrong',
      problem: `${answer.status} ${errcode} names no rule: ${answer.text.slice(0, 200)}`,
    };
  }
  return { outcome: 'refused', rule };
}

export type Attack = Readonly<{ label: string; request: RawRequest }>;

export type AttackResult<A extends Attack = Attack> = Readonly<{
  attack: A;
  answer: RawAnswer;
  read: ReadAnswer;
}>;

/** Sends every attack to the gateway (a few at a time) and reads each answer. */
export async function sendAttacks<A extends Attack>(
  baseUrl: string,
  attacks: readonly A[],
  options: ReadOptions & { parallel?: number } = {},
): Promise<AttackResult<A>[]> {
  const parallel = options.parallel ?? 8;
  const results: AttackResult<A>[] = [];
  for (let start = 0; start < attacks.length; start += parallel) {
    const batch = attacks.slice(start, start + parallel);
    const answers = await Promise.all(batch.map((attack) => rawRequest(baseUrl, attack.request)));
    batch.forEach((attack, index) => {
      const answer = answers[index];
      if (answer) results.push({ attack, answer, read: readAnswer(attack.request.method, answer, options) });
    });
  }
  return results;
}

/** The attacks whose answer was dishonest (a 5xx, a token, a refusal naming no rule), each with why. */
export function dishonestAnswers(results: readonly AttackResult[]): string[] {
  return results.flatMap(({ attack, read }) =>
    read.outcome === 'wrong' ? [`${attack.label}: ${read.problem}`] : [],
  );
}
