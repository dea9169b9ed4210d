/// <reference lib="dom" />
// The renderer's start: the browser platform (in the desktop app with the shell's sealing key), the clinician's core
// session, resumed if one was kept, the screen lock, and the React tree. Notifications follow the trust's policy.
import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { createBrowserPlatform } from '../browser/browserPlatform.ts';
import { consoleLogger } from '../browser/consoleLogger.ts';
import { desktopBridgeName, type DesktopBridge } from '../core/desktop/desktopBridge.ts';
import { createScreenLock } from '../core/lock/screenLock.ts';
import { createBleepSession } from '../core/session/createBleepSession.ts';
import { loadAppConfig } from './app/appConfig.ts';
import { AppErrorBoundary } from './app/AppErrorBoundary.tsx';
import { BleepApp } from './app/BleepApp.tsx';
import { CoreContext } from './app/coreContext.ts';
import { showNotifications } from './app/showNotifications.ts';
import { shellSealingKey } from '../browser/shellSealingKey.ts';

async function start(): Promise<void> {
  const bridge = (window as unknown as Partial<Record<string, DesktopBridge>>)[desktopBridgeName];
  const platform = await createBrowserPlatform({
    logger: consoleLogger('bleep', 'warn'),
    ...(bridge ? { sealingKey: shellSealingKey(bridge) } : {}),
  });
  const session = createBleepSession({ platform });
  const lock = createScreenLock(platform);
  const config = await loadAppConfig(() => fetch('./bleep-config.json', { cache: 'no-store' }));
  showNotifications(session, lock);
  const root = createRoot(document.getElementById('app') ?? document.body);
  root.render(
    <StrictMode>
      <AppErrorBoundary>
        <CoreContext.Provider value={{ session, lock, config }}>
          <BleepApp bridge={bridge} />
        </CoreContext.Provider>
      </AppErrorBoundary>
    </StrictMode>,
  );
  try {
    if ((await session.restore()) === 'restored') await lock.load();
  } catch {
    // The core keeps the problem in the store (expired session, server down): the sign-in screen shows it.
  }
  window.addEventListener('pagehide', () => {
    session.stop();
  });
}

void start();
