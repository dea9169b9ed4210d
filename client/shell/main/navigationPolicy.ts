// Where the window may navigate: only within the app's own pages. A link in a message, a redirect, a dropped file or
// a script setting location never takes the window (and the preload's bridge) to another page; new windows are never
// opened (the renderer shows everything in its one page).
import { isAppUrl } from './appOrigin.ts';

export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/** What setWindowOpenHandler answers, whatever was asked. */
export const windowOpenRefusal = { action: 'deny' } as const;
