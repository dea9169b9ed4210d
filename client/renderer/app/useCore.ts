// The hooks views read state with: the smallest slice through a selector, arrays compared shallowly (a selector that
// filters makes a new array every time; without the shallow compare React would render forever).
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ScreenLockState } from '../../core/lock/screenLock.ts';
import type { BleepState } from '../../core/stores/bleepStore.ts';
import { useCoreContext } from './coreContext.ts';

export function useBleep<T>(selector: (state: BleepState) => T): T {
  return useStore(useCoreContext().session.store, selector);
}

export function useBleepList<T>(selector: (state: BleepState) => readonly T[]): readonly T[] {
  return useStore(useCoreContext().session.store, useShallow(selector));
}

export function useScreenLock<T>(selector: (state: ScreenLockState) => T): T {
  return useStore(useCoreContext().lock.store, selector);
}
