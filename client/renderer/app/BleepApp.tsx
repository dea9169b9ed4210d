// Which screen the desktop shows: sign-in until a clinician is signed in, then the PIN to choose, the lock, or the
// conversations. The lock is checked first: while it is shown nothing else is rendered at all.
import { useEffect } from 'react';
import type { DesktopBridge } from '../../core/desktop/desktopBridge.ts';
import { selectSessionStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { useIdleLock } from '../lock/useIdleLock.ts';
import { LockScreen } from '../lock/LockScreen.tsx';
import { PinSetupScreen } from '../lock/PinSetupScreen.tsx';
import { SignInScreen } from '../signIn/SignInScreen.tsx';
import { useCoreContext } from './coreContext.ts';
import { MainScreen } from './MainScreen.tsx';
import { useBleep, useScreenLock } from './useCore.ts';

export function BleepApp({ bridge }: Readonly<{ bridge: DesktopBridge | undefined }>) {
  const { lock } = useCoreContext();
  const status = useBleep(selectSessionStatus);
  const lockStatus = useScreenLock((state) => state.status);
  useIdleLock(bridge);

  // A session that ended (signed out here or by the server) took its PIN with it: the next sign-in sets one.
  const signedIn = status === 'ready';
  useEffect(() => {
    if (!signedIn) void lock.load();
  }, [signedIn, lock]);

  if (status === 'restoring') return <p className="bleep-starting">Starting Bleep…</p>;
  if (!signedIn) return <SignInScreen />;
  switch (lockStatus) {
    case 'loading':
      return <p className="bleep-starting">Starting Bleep…</p>;
    case 'needs-pin':
      return <PinSetupScreen />;
    case 'locked':
    case 'blocked':
      return <LockScreen />;
    case 'unlocked':
      return <MainScreen />;
  }
}
