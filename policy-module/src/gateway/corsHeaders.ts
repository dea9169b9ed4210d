// Cross-origin access to the client API. The desktop's renderer runs on its own origin (the app's, not the
// trust's), so the browser asks before each request that carries credentials in headers. Matrix's own answer, which
// Synapse gives, is to let any origin in: nothing rides on cookies, every request proves itself with its access token
// (and enrolment with the desktop's credential header), so an origin gains nothing it could not do from anywhere.
// The gateway gives the same answer for what it answers itself (refusals, /_bleep routes) and answers every
// preflight itself, because Synapse's does not allow Bleep's credential header.

export const corsHeaders: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, X-Requested-With, X-Bleep-Device-Credential',
};
