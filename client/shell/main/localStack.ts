// Whether this run talks to the local stack (gateways on http://127.0.0.1), which loosens the Content-Security-Policy
// to allow loopback http. `npm run desktop` sets BLEEP_DESKTOP_LOCAL_STACK=1; a packaged build ignores it, so an
// installed Bleep never accepts plain http whatever its environment says.
export const localStackVariable = 'BLEEP_DESKTOP_LOCAL_STACK';

export function runsAgainstLocalStack(
  environment: Readonly<Record<string, string | undefined>>,
  packaged: boolean,
): boolean {
  return !packaged && environment[localStackVariable] === '1';
}
