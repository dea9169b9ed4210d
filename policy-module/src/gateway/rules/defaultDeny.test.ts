import { describe, expect, it } from 'vitest';
import { unreadableParameter, unrecognisedRequest } from './defaultDeny.ts';

describe('rule: default deny', () => {
  it('answers as Synapse does for a path it does not know, naming the rule and what is missing', () => {
    expect(unrecognisedRequest(404).toJSON()).toEqual({
      errcode: 'M_UNRECOGNIZED',
      error: 'Unrecognized request: Bleep does not offer this endpoint',
      'uk.nhs.bleep.rule': 'default-deny',
    });
    expect(unrecognisedRequest(404).status).toBe(404);
  });

  it('answers a known path with a method it does not take with 405, saying it is the method', () => {
    expect(unrecognisedRequest(405)).toMatchObject({
      status: 405,
      errcode: 'M_UNRECOGNIZED',
      rule: 'default-deny',
      message: 'This method is not allowed here by Bleep',
    });
  });

  it('names the path parameter it cannot read, and why', () => {
    expect(unreadableParameter('roomId', 'contains a NUL character')).toMatchObject({
      status: 400,
      errcode: 'M_INVALID_PARAM',
      rule: 'default-deny',
      message: "The request path's roomId contains a NUL character",
    });
  });
});
