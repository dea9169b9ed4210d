// Locks the screen after the trust policy's idle minutes (any key, pointer or touch counts as activity), when the
// shell says the operating system locked or is suspending, and when the page is hidden for that long.
import { useEffect } from 'react';
import type { DesktopBridge } from '../../core/desktop/desktopBridge.ts';
import { selectIdleLockMinutes } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { useBleep } from '../app/useCore.ts';

const activityEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

export function useIdleLock(bridge: DesktopBridge | undefined): void {
  const { lock } = useCoreContext();
  const idleMinutes = useBleep(selectIdleLockMinutes);
  useEffect(() => {
    const noteActivity = () => {
      lock.noteActivity();
    };
    for (const name of activityEvents) window.addEventListener(name, noteActivity, { passive: true });
    // Checked often, so a desktop that slept past the limit locks as soon as it wakes.
    const timer = window.setInterval(() => {
      if (idleMinutes !== null) lock.lockIfIdle(idleMinutes);
    }, 5_000);
    const stopShellLock = bridge?.onLockNow(() => {
      lock.lock();
    });
    return () => {
      for (const name of activityEvents) window.removeEventListener(name, noteActivity);
      window.clearInterval(timer);
      stopShellLock?.();
    };
  }, [lock, idleMinutes, bridge]);
}
