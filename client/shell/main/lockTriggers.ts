// When the OS says the clinician has stepped away, the desktop locks at once: the screen was locked, or the machine is
// suspending (a laptop lid closed on a ward round). The renderer hears it through the bridge's onLockNow.
export const lockingSystemEvents = ['lock-screen', 'suspend'] as const;

export type LockingSystemEvent = (typeof lockingSystemEvents)[number];

/** Electron's powerMonitor, as far as locking needs it. */
export interface SystemEvents {
  on(event: LockingSystemEvent, listener: () => void): unknown;
}

export function lockOnSystemEvents(systemEvents: SystemEvents, lockNow: () => void): void {
  for (const event of lockingSystemEvents) {
    systemEvents.on(event, () => {
      lockNow();
    });
  }
}
