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
});
