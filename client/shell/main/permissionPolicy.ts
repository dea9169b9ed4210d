// Which of the page's permission requests and checks the shell grants: notifications, asked by the app's own page,
// and nothing else (camera, microphone, geolocation, screen capture, clipboard reading, USB, HID, serial, MIDI, ...).
// Default deny is the structure: a permission Chromium adds later is refused without anyone listing it.
import { isAppUrl } from './appOrigin.ts';

const grantedPermissions: ReadonlySet<string> = new Set(['notifications']);

/** Whether a permission asked by a page at this URL (or origin) is granted. */
export function permissionGranted(permission: string, requestingUrl: string): boolean {
  return grantedPermissions.has(permission) && isAppUrl(requestingUrl);
}
