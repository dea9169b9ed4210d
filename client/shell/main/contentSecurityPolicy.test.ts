import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split('; ').map((directive) => {
      const [name = '', ...sources] = directive.split(' ');
      return [name, sources];
    }),
  );
}

describe('the renderer Content-Security-Policy', () => {
  const policy = directives(contentSecurityPolicy({ allowLoopbackHttp: false }));

  it('runs only the app own scripts and wasm: no inline script, no eval', () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    const all = [...policy.values()].flat();
    expect(all).not.toContain("'unsafe-inline'");
    expect(all).not.toContain("'unsafe-eval'");
    expect(all).not.toContain('*');
  });

  it('connects only to the app and https servers, and shows images from the app, blob: and data:', () => {
    expect(policy.get('connect-src')).toEqual(["'self'", 'https:']);
    expect(policy.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
  });

  it('frames nothing, is framed by nothing, posts no forms and moves no base URL', () => {
    for (const name of ['object-src', 'frame-src', 'frame-ancestors', 'base-uri', 'form-action']) {
      expect(policy.get(name), name).toEqual(["'none'"]);
    }
  });

  it('allows loopback http only against the local stack', () => {
    const local = directives(contentSecurityPolicy({ allowLoopbackHttp: true }));
    expect(local.get('connect-src')).toEqual([
      "'self'",
      'https:',
      'http://127.0.0.1:*',
      'http://localhost:*',
    ]);
    expect(policy.get('connect-src')?.some((source) => source.startsWith('http:'))).toBe(false);
    expect(local.get('script-src')).toEqual(policy.get('script-src'));
  });
});
