import { describe, expect, it } from 'vitest';
import { InvalidNhsNumberError } from '../errors/clientErrors.ts';
import { repliedEventIdIn } from './replyRelation.ts';
import { textMessageContent } from './textMessageContent.ts';

describe('the content of a text message', () => {
  it('is a plain m.text without options', () => {
    expect(textMessageContent('Bed 4 is ready')).toEqual({ msgtype: 'm.text', body: 'Bed 4 is ready' });
  });

  it("replies with the spec's rich reply relation and no quote of the original in its body", () => {
    expect(textMessageContent('Will repeat the bloods', { replyTo: '$original' })).toEqual({
      msgtype: 'm.text',
      body: 'Will repeat the bloods',
      'uk.nhs.bleep.reply_to': '$original',
    });
  });

  it('carries a reply beside the urgent flag and a patient tag', () => {
    const content = textMessageContent('Crash call bed 2', {
      urgent: true,
      nhsNumber: '943 476 5919',
      replyTo: '$original',
    });
    expect(content).toMatchObject({
      msgtype: 'm.text',
      body: 'Crash call bed 2',
      'uk.nhs.bleep.urgent': true,
      'uk.nhs.bleep.patient': { nhs_number: '9434765919' },
    });
    expect(repliedEventIdIn(content)).toBe('$original');
  });

  it("refuses a reply to a local echo's temporary id, which no other desktop will see", () => {
    expect(() => textMessageContent('Seen', { replyTo: '~bleep-1' })).toThrow(TypeError);
  });

  it('still refuses an invalid NHS number', () => {
    expect(() => textMessageContent('Bloods', { nhsNumber: '943 476 5918' })).toThrow(InvalidNhsNumberError);
  });
});
