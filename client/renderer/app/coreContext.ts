// What every view reaches through React context: the clinician's core session, the screen lock and what the page's
// host said about the trusts. Made once at start (main.tsx); views read stores through the hooks in useCore.ts.
import { createContext, useContext } from 'react';
import type { ScreenLock } from '../../core/lock/screenLock.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import type { AppConfig } from './appConfig.ts';

export type CoreContextValue = Readonly<{ session: BleepSession; lock: ScreenLock; config: AppConfig }>;

export const CoreContext = createContext<CoreContextValue | null>(null);

export function useCoreContext(): CoreContextValue {
  const value = useContext(CoreContext);
  if (value === null) throw new Error('a Bleep view rendered outside the app');
  return value;
}
