import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ipcChannels } from '../ipcChannels.ts';
import { createDesktopBridge, type BridgeIpc } from './desktopBridgeClient.ts';

class FakeIpc extends EventEmitter implements BridgeIpc {
  invoked: string[] = [];
  answers: unknown[];
  constructor(...answers: unknown[]) {
    super();
    this.answers = answers;
  }
  invoke(channel: string): Promise<unknown> {
    this.invoked.push(channel);
    const answer = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

describe('the desktop bridge the preload exposes', () => {
  it('has exactly the contract: secretSealingKey and onLockNow', () => {
    expect(Object.keys(createDesktopBridge(new FakeIpc(undefined))).sort()).toEqual([
      'onLockNow',
      'secretSealingKey',
    ]);
  });

  it('asks the main process for the sealing key and hands on its 32 bytes', async () => {
    const key = new Uint8Array(32).fill(9);
    const ipc = new FakeIpc(key);
    expect(await createDesktopBridge(ipc).secretSealingKey()).toEqual(key);
    expect(ipc.invoked).toEqual([ipcChannels.secretSealingKey]);
  });

  it('hands the key out once per page load: a script that asks later gets nothing', async () => {
    const ipc = new FakeIpc(new Uint8Array(32).fill(9));
    const bridge = createDesktopBridge(ipc);
    const [first, second] = await Promise.allSettled([bridge.secretSealingKey(), bridge.secretSealingKey()]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { name: 'BridgeAnswerError' } });
    await expect(bridge.secretSealingKey()).rejects.toThrow(/already handed out/);
    expect(ipc.invoked).toHaveLength(1);
  });

  it('may be asked again after an attempt that brought no key', async () => {
    const key = new Uint8Array(32).fill(3);
    const ipc = new FakeIpc(new Error('ipc failed'), new Uint8Array(8), key);
    const bridge = createDesktopBridge(ipc);
    await expect(bridge.secretSealingKey()).rejects.toThrow('ipc failed');
    await expect(bridge.secretSealingKey()).rejects.toThrow(/32-byte/);
    expect(await bridge.secretSealingKey()).toEqual(key);
  });

  it.each([
    ['16 bytes', new Uint8Array(16)],
    ['33 bytes', new Uint8Array(33)],
    ['a string', 'a'.repeat(32)],
    ['an array of numbers', Array.from({ length: 32 }, () => 1)],
    ['nothing', undefined],
  ])('refuses an answer of %s', async (_what, answer) => {
    await expect(createDesktopBridge(new FakeIpc(answer)).secretSealingKey()).rejects.toThrow(/32-byte/);
  });

  it('calls the page back with nothing when the desktop must lock, until it unsubscribes', () => {
    const ipc = new FakeIpc(undefined);
    const calls: unknown[][] = [];
    const unsubscribe = createDesktopBridge(ipc).onLockNow((...args: unknown[]) => {
      calls.push(args);
    });
    ipc.emit(ipcChannels.lockNow, { sender: 'the ipcRenderer the page must never get' });
    expect(calls).toEqual([[]]);
    unsubscribe();
    ipc.emit(ipcChannels.lockNow, {});
    expect(calls).toHaveLength(1);
    expect(ipc.listenerCount(ipcChannels.lockNow)).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    const bridge = createDesktopBridge(new FakeIpc(undefined));
    expect(() => bridge.onLockNow('alert(1)' as unknown as () => void)).toThrow(TypeError);
  });
});
