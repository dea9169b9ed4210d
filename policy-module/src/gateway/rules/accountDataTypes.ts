// Rule: account data holds only what Bleep's client keeps there, in the shape the spec gives it. Account data is
// stored on the server in plaintext and synced to every device of the account, so a client could keep notes in it
// under any type it invents, or beside the fields of a type it may use; only the types the client needs may be
// written, with their spec fields (secret storage is refused first, by noKeyCopies). Room tags are account data
// too: a tag's content is its order.
import { z } from 'zod';
import { policyRefusal } from '../matrixError.ts';
import { allow, isWrite, type PolicyRule, type RuleVerdict } from './rule.ts';

/** Account data types a client may write (direct-message rooms, ignored users, unread markers), and their shape. */
const writableAccountData: Readonly<Record<string, z.ZodType>> = {
  'm.direct': z.record(z.string(), z.array(z.string())),
  'm.ignored_user_list': z.object({ ignored_users: z.record(z.string(), z.object({}).strict()) }).strict(),
  'm.marked_unread': z.object({ unread: z.boolean() }).strict(),
};

const tagContent = z.object({ order: z.number().min(0).max(1).optional() }).strict();

function refuse(message: string): RuleVerdict {
  return { outcome: 'refuse', error: policyRefusal('account-data-types', message) };
}

export const accountDataTypes: PolicyRule = {
  name: 'account-data-types',
  check({ route, method, params, body }) {
    if (!isWrite(method)) return allow;
    if (route.name === 'roomTag') {
      return method === 'DELETE' || tagContent.safeParse(body ?? {}).success
        ? allow
        : refuse('A room tag holds only its order');
    }
    if (route.name !== 'accountData' && route.name !== 'roomAccountData') return allow;
    const eventType = params.eventType ?? '';
    const shape = writableAccountData[eventType];
    if (!shape)
      return refuse(
        `Account data of type ${eventType} is not used by Bleep: the server would keep it unencrypted`,
      );
    return shape.safeParse(body ?? {}).success
      ? allow
      : refuse(`Account data of type ${eventType} has fields the Matrix spec does not give it`);
  },
};
