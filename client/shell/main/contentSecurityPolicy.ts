// The Content-Security-Policy the shell sends with every page of the renderer. Scripts only from the app's own files
// (no inline script, no eval; wasm compiled from its own origin for rust crypto), network only to https: servers (a
// trust's gateway is whatever address the clinician signs in to), images from the app, blob: (attachments read from
// the archive) and data:, nothing framed, no plugins, no form posts. Loopback http only when the shell was started
// against the local stack, whose gateways listen on http://127.0.0.1.
export type ContentSecurityPolicyOptions = Readonly<{ allowLoopbackHttp: boolean }>;

// No IPv6 literal: Chromium refuses 'http://[::1]:*' as a source (and the local stack listens on 127.0.0.1).
const loopbackSources = ['http://127.0.0.1:*', 'http://localhost:*'];

export function contentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const connectSources = ["'self'", 'https:', ...(options.allowLoopbackHttp ? loopbackSources : [])];
  const directives: readonly (readonly string[])[] = [
    ['default-src', "'none'"],
    ['script-src', "'self'", "'wasm-unsafe-eval'"],
    ['style-src', "'self'"],
    ['img-src', "'self'", 'blob:', 'data:'],
    ['media-src', "'self'", 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', ...connectSources],
    ['worker-src', "'self'"],
    ['manifest-src', "'self'"],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['child-src', "'none'"],
    ['frame-ancestors', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map((directive) => directive.join(' ')).join('; ');
}
