import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Electron cannot run here (no binary), so the test stands in for the parts of it the shell calls and records what
// it is asked; the decisions themselves are the real modules.
type Handler = (...args: unknown[]) => unknown;
const fake = vi.hoisted(() => {
  const state = {
    keychainAvailable: true,
    backend: 'gnome_libsecret',
    packaged: false,
    userData: '',
    partitions: [] as { partition: string; options: unknown }[],
    session: {} as Record<string, unknown>,
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, Handler>(),
    appHandlers: new Map<string, Handler>(),
    windows: [] as { options: unknown; loaded: string[]; sent: string[]; focused: number }[],
    powerMonitor: undefined as unknown,
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  fake.powerMonitor = new Emitter();
  const recordingSession = {
    setSpellCheckerEnabled: (enabled: boolean) => (fake.session.spellCheck = enabled),
    setSpellCheckerDictionaryDownloadURL: (url: string) => (fake.session.dictionaryUrl = url),
    setPermissionRequestHandler: (handler: Handler) => (fake.session.permissionRequest = handler),
    setPermissionCheckHandler: (handler: Handler) => (fake.session.permissionCheck = handler),
    setDevicePermissionHandler: (handler: Handler) => (fake.session.devicePermission = handler),
    protocol: {
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        fake.protocolHandlers.set(scheme, handler),
    },
  };
  return {
    app: {
      get isPackaged() {
        return fake.packaged;
      },
      getPath: (name: string) => (name === 'userData' ? fake.userData : '/nowhere'),
      on: (event: string, handler: Handler) => fake.appHandlers.set(event, handler),
      quit: () => undefined,
    },
    safeStorage: {
      isEncryptionAvailable: () => fake.keychainAvailable,
      getSelectedStorageBackend: () => fake.backend,
      encryptString: (text: string) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
      decryptString: (bytes: Buffer) =>
        Buffer.from(bytes.toString().slice('sealed:'.length), 'hex').toString(),
    },
    session: {
      fromPartition: (partition: string, options: unknown) => {
        fake.partitions.push({ partition, options });
        return recordingSession;
      },
    },
    ipcMain: { handle: (channel: string, handler: Handler) => fake.ipcHandlers.set(channel, handler) },
    powerMonitor: fake.powerMonitor,
    BrowserWindow: class {
      readonly record = {
        options: undefined as unknown,
        loaded: [] as string[],
        sent: [] as string[],
        focused: 0,
      };
      readonly webContents = { send: (channel: string) => this.record.sent.push(channel) };
      constructor(options: unknown) {
        this.record.options = options;
        fake.windows.push(this.record);
      }
      setContentProtection(): void {}
      once(): void {}
      isDestroyed(): boolean {
        return false;
      }
      isMinimized(): boolean {
        return false;
      }
      focus(): void {
        this.record.focused += 1;
      }
      loadURL(url: string): Promise<void> {
        this.record.loaded.push(url);
        return Promise.resolve();
      }
    },
  };
});

const { startShell } = await import('./startShell.ts');

let rendererDirectory = '';

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'bleep-shell-start-'));
  fake.userData = join(base, 'userData');
  await mkdir(fake.userData);
  rendererDirectory = join(base, 'renderer');
  await mkdir(rendererDirectory);
  await writeFile(join(rendererDirectory, 'index.html'), '<!doctype html><title>Bleep</title>');
  Object.assign(fake, { keychainAvailable: true, backend: 'gnome_libsecret', packaged: false, session: {} });
  fake.partitions.length = 0;
  fake.windows.length = 0;
  fake.protocolHandlers.clear();
  fake.ipcHandlers.clear();
  fake.appHandlers.clear();
  (fake.powerMonitor as EventEmitter).removeAllListeners();
});

function start(environment: Record<string, string> = {}) {
  return startShell({ rendererDirectory, preloadPath: '/shell/preload.cjs', platform: 'linux', environment });
}

function askForKey(url: string, parent: unknown = null): unknown {
  const handler = fake.ipcHandlers.get('bleep:secret-sealing-key');
  if (handler === undefined) throw new Error('no sealing key handler');
  return handler({ senderFrame: { url, parent } });
}

describe('starting the shell', () => {
  it('keeps the sealing key wrapped in userData and gives the same 32 bytes to the app page on every start', async () => {
    await start();
    const first = askForKey('bleep://app/index.html') as Uint8Array;
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first).toHaveLength(32);
    const kept = await readFile(join(fake.userData, 'secret-sealing-key.safestorage'), 'utf8');
    expect(kept.startsWith('sealed:')).toBe(true);
    expect(kept).not.toContain(Buffer.from(first).toString('base64'));

    fake.ipcHandlers.clear();
    await start();
    expect(askForKey('bleep://app/index.html')).toEqual(first);
  });

  it('gives the key to no other page and no frame inside the app', async () => {
    await start();
    expect(() => askForKey('https://evil.example/')).toThrow(/only for the app page/);
    expect(() => askForKey('bleep://app/index.html', { url: 'bleep://app/index.html' })).toThrow();
  });

  it('refuses to start on the basic_text keychain: no key is made, no window opens', async () => {
    fake.backend = 'basic_text';
    await expect(start()).rejects.toMatchObject({ code: 'keychain-stores-plaintext' });
    expect(await readdir(fake.userData)).toEqual([]);
    expect(fake.windows).toEqual([]);
  });

  it('refuses to start without a keychain', async () => {
    fake.keychainAvailable = false;
    await expect(start()).rejects.toMatchObject({ code: 'no-keychain' });
    expect(fake.windows).toEqual([]);
  });

  it('refuses to start without the renderer build', async () => {
    const { rm } = await import('node:fs/promises');
    await rm(join(rendererDirectory, 'index.html'));
    await expect(start()).rejects.toMatchObject({ code: 'renderer-missing' });
    expect(fake.windows).toEqual([]);
  });

  it('serves the app from bleep://app in the persistent partition, without HTTP cache or spell-check', async () => {
    await start();
    expect(fake.partitions).toEqual([{ partition: 'persist:bleep', options: { cache: false } }]);
    expect(fake.session.spellCheck).toBe(false);
    expect(String(fake.session.dictionaryUrl)).toMatch(/^http:\/\/127\.0\.0\.1:9\//);
    const response = await fake.protocolHandlers.get('bleep')?.(new Request('bleep://app/'));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-security-policy')).toContain(
      "script-src 'self' 'wasm-unsafe-eval'",
    );
    expect(response?.headers.get('content-security-policy')).not.toContain('http://127.0.0.1');
    expect(fake.windows[0]?.loaded).toEqual(['bleep://app/index.html']);
    expect(fake.windows[0]?.options).toMatchObject({ webPreferences: { partition: 'persist:bleep' } });
  });

  it('allows loopback http only when run against the local stack, and never in a packaged build', async () => {
    await start({ BLEEP_DESKTOP_LOCAL_STACK: '1' });
    const local = await fake.protocolHandlers.get('bleep')?.(new Request('bleep://app/'));
    expect(local?.headers.get('content-security-policy')).toContain('http://127.0.0.1:*');
    fake.packaged = true;
    await start({ BLEEP_DESKTOP_LOCAL_STACK: '1' });
    const packaged = await fake.protocolHandlers.get('bleep')?.(new Request('bleep://app/'));
    expect(packaged?.headers.get('content-security-policy')).not.toContain('http://127.0.0.1');
  });

  it('grants notifications to the app and refuses the camera and every device', async () => {
    await start();
    const granted: boolean[] = [];
    const request = fake.session.permissionRequest as Handler;
    request(undefined, 'notifications', (ok: boolean) => granted.push(ok), { requestingUrl: 'bleep://app/' });
    request(undefined, 'media', (ok: boolean) => granted.push(ok), { requestingUrl: 'bleep://app/' });
    expect(granted).toEqual([true, false]);
    const check = fake.session.permissionCheck as Handler;
    expect(check(undefined, 'notifications', 'bleep://app')).toBe(true);
    expect(check(undefined, 'geolocation', 'bleep://app')).toBe(false);
    expect((fake.session.devicePermission as Handler)({ deviceType: 'usb' })).toBe(false);
  });

  it('tells the page to lock when the screen locks or the machine suspends, and comes forward on a second start', async () => {
    await start();
    const powerMonitor = fake.powerMonitor as EventEmitter;
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('suspend');
    expect(fake.windows[0]?.sent).toEqual(['bleep:lock-now', 'bleep:lock-now']);
    fake.appHandlers.get('second-instance')?.();
    expect(fake.windows[0]?.focused).toBe(1);
  });
});
