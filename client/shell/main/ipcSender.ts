// Who may ask the main process for the sealing key: the app's own page, in the window's top frame. An iframe (the
// CSP allows none, but a policy is not a proof) or a page that is not bleep://app gets nothing.
import { isAppUrl } from './appOrigin.ts';

/** The part of Electron's WebFrameMain this reads; null when the frame has gone. */
export type SenderFrame = Readonly<{ url: string; parent: unknown }> | null;

export function isAppTopFrame(frame: SenderFrame): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}
