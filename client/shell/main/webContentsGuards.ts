// Guards put on every web contents the app creates (the window's page and anything it might try to open): navigation
// only within the app, no new windows, no webviews. Installed from 'web-contents-created', so none is missed.
import type { WebContents } from 'electron';
import { navigationAllowed, windowOpenRefusal } from './navigationPolicy.ts';

export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => windowOpenRefusal);
}
