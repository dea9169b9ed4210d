import { describe, expect, it } from 'vitest';
import {
  HoldError,
  parseHoldInput,
  placeHoldSchema,
  releaseHoldSchema,
  roomIdSchema,
  userIdSchema,
} from './legalHoldInput.ts';

describe('what an officer may type for a legal hold', () => {
  it('takes room ids as Matrix spells them, with a server and port, or a room version 12 hash alone', () => {
    for (const roomId of [
      '!abc:trust-a.example',
      '!suPtPkwpURpHnoTzsd:trust-a.localhost:8448',
      '!x:[::1]:8448',
      '!hT7qG3pKXk2L0cT8n6bq0T1kq0cXw9Yc5cQe1cF0mZQ',
    ]) {
      expect(roomIdSchema.safeParse(roomId).success, roomId).toBe(true);
    }
    for (const roomId of [
      'abc:trust-a.example',
      '!',
      '!a b:x',
      '!abc:',
      '#alias:trust-a.example',
      `!${'a'.repeat(300)}`,
    ]) {
      expect(roomIdSchema.safeParse(roomId).success, roomId).toBe(false);
    }
  });

  it('takes user ids with a server, nothing else', () => {
    expect(userIdSchema.safeParse('@amelia.hart:trust-a.localhost:8448').success).toBe(true);
    expect(userIdSchema.safeParse('amelia.hart').success).toBe(false);
    expect(userIdSchema.safeParse('@amelia.hart').success).toBe(false);
  });

  it('names every bad field at once, trims the free text and reads a hold id typed as text', () => {
    let error: unknown;
    try {
      parseHoldInput(placeHoldSchema, { subject: { kind: 'room', id: 'nope' }, reason: '', by: 'ig' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HoldError);
    expect((error as HoldError).code).toBe('HOLD_BAD_INPUT');
    expect((error as HoldError).message).toMatch(/subject\.id: .*reason: .*reference: /);
    expect(parseHoldInput(releaseHoldSchema, { id: '7', reason: '  answered  ', by: 'ig' })).toEqual({
      id: 7,
      reason: 'answered',
      by: 'ig',
    });
    expect(() => parseHoldInput(placeHoldSchema, { subject: { kind: 'group', id: '!a:b' } })).toThrow(
      HoldError,
    );
  });
});
