// The environment `npm run desktop` starts Electron with: pointed at the local stack (its gateways are loopback
// http, which the shell's CSP then allows), and never as plain Node (ELECTRON_RUN_AS_NODE would run main.cjs
// without Electron's APIs) nor with Node options or an inspector a parent shell happened to set.
import { localStackVariable } from '../main/localStack.ts';

const dropped = ['ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS'];

export function desktopEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...environment, [localStackVariable]: '1' };
  for (const name of dropped) Reflect.deleteProperty(result, name);
  return result;
}
