import { describe, expect, it } from 'vitest';
import {
  matchTemplate,
  parseRouteTemplate,
  rawPathSegments,
  RouteTemplateError,
  unreadableText,
} from './routeTemplate.ts';

describe('route templates', () => {
  it('reads literal segments, parameters, and parameters that may be empty', () => {
    expect(
      parseRouteTemplate('/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}').segments,
    ).toEqual([
      { literal: '_matrix' },
      { literal: 'client' },
      { literal: 'v3' },
      { literal: 'rooms' },
      { param: 'roomId', mayBeEmpty: false },
      { literal: 'state' },
      { param: 'eventType', mayBeEmpty: false },
      { param: 'stateKey', mayBeEmpty: true },
    ]);
    expect(parseRouteTemplate('/_matrix/client/v3/pushrules/').segments.at(-1)).toEqual({ literal: '' });
  });

  it('refuses a template the table could be misread by: no leading slash, an empty segment inside, stray braces, escapes or queries', () => {
    for (const source of [
      '_matrix/client/v3/sync',
      '/_matrix//sync',
      '/a/{b',
      '/a/b}',
      '/a/x{b}',
      '/a/{b}x',
      '/a/%62',
      '/a/b?c',
    ]) {
      expect(() => parseRouteTemplate(source), source).toThrow(RouteTemplateError);
    }
    expect(() => parseRouteTemplate('no-slash')).toThrow('route template must start with "/": no-slash');
    expect(() => parseRouteTemplate('/a//b')).toThrow('bad segment "" in route template /a//b');
    expect(new RouteTemplateError('x').name).toBe('RouteTemplateError');
  });

  it('reads only origin-form request targets of printable ASCII, up to the query', () => {
    expect(rawPathSegments('/a/b%20c?d=e f')).toEqual(['a', 'b%20c']);
    for (const target of ['http://x/a', '*', 'a/b', '/a b', '/a\u00e9', '/a\tb', '/\u007f']) {
      expect(rawPathSegments(target), target).toBeUndefined();
    }
  });

  it('says why a decoded parameter cannot be read as Synapse reads it', () => {
    expect(unreadableText('!room:x')).toBeUndefined();
    expect(unreadableText('a\u0000b')).toBe('contains a NUL character');
    expect(unreadableText('a\ud800b')).toBe('contains a lone surrogate');
  });

  it('matches a path only segment for segment, reading an empty parameter only where the template allows one', () => {
    const template = parseRouteTemplate('/rooms/{roomId}/state/{eventType}/{stateKey?}');
    expect(matchTemplate(template, ['rooms', '!r%3Ax', 'state', 'm.room.name', ''])).toEqual({
      outcome: 'match',
      params: { roomId: '!r:x', eventType: 'm.room.name', stateKey: '' },
    });
    expect(matchTemplate(template, ['rooms', '', 'state', 'm.room.name', ''])).toEqual({
      outcome: 'no-match',
    });
    expect(matchTemplate(template, ['rooms', '!r', 'state', 'm.room.name'])).toEqual({ outcome: 'no-match' });
  });
});
