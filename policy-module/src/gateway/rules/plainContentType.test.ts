import { describe, expect, it } from 'vitest';
import { contentTypeProblem } from './plainContentType.ts';

describe('rule: one plain Content-Type, never a form', () => {
  it('accepts no type and plain media types', () => {
    for (const type of [
      [],
      ['application/json'],
      ['image/png'],
      ['application/octet-stream'],
      ['text/plain; charset=utf-8'],
    ]) {
      expect(contentTypeProblem(type), type.join()).toBeUndefined();
    }
  });

  it('refuses forms, however they are spelt, and types Twisted could decode into one', () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'Application/X-WWW-Form-Urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded ; charset=utf-8',
      'multipart/form-data; boundary=x',
      'multipart/mixed; boundary=x',
      '=?utf-8?b?YXBwbGljYXRpb24veC13d3ctZm9ybS11cmxlbmNvZGVk?=',
      'application/json; x="=?utf-8?q?a?="',
      'application/json, application/x-www-form-urlencoded',
      ' application/json',
      'application/jsön',
      'json',
    ]) {
      expect(contentTypeProblem([type]), type).toMatchObject({
        status: 400,
        rule: 'plain-content-type',
      });
    }
    expect(contentTypeProblem(['application/json', 'application/json'])).toMatchObject({ status: 400 });
  });

  it('tells the client what it will not accept', () => {
    const said = (types: string[]) => contentTypeProblem(types)?.toJSON();
    expect(said(['application/json', 'image/png'])).toEqual({
      errcode: 'M_NOT_JSON',
      error: 'Bleep does not accept more than one Content-Type header',
      'uk.nhs.bleep.rule': 'plain-content-type',
    });
    expect(said(['json'])?.error).toBe('Bleep does not accept a Content-Type that is not a plain media type');
    expect(said(['multipart/form-data; boundary=x'])?.error).toBe(
      'Bleep does not accept a form-encoded body',
    );
  });
});
