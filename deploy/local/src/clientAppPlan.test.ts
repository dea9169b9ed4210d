import { describe, expect, it } from 'vitest';
import {
  clientAppConfig,
  clientAppConfigText,
  clientAppConfigVersion,
  planClientApp,
} from './clientAppPlan.ts';

const trustA = {
  name: 'trust-a',
  policyName: 'Northgate Hospitals NHS Foundation Trust',
  clientUrl: 'http://127.0.0.1:8008',
};
const trustB = {
  name: 'trust-b',
  policyName: 'Southmere Teaching Hospitals NHS Trust',
  clientUrl: 'http://127.0.0.1:8009',
};

describe('the client app config', () => {
  it("offers each trust by its policy's name and its gateway's client address, in the order given", () => {
    expect(clientAppConfig([trustA, trustB])).toEqual({
      trusts: [
        {
          name: 'trust-a',
          displayName: 'Northgate Hospitals NHS Foundation Trust',
          serverUrl: 'http://127.0.0.1:8008',
        },
        {
          name: 'trust-b',
          displayName: 'Southmere Teaching Hospitals NHS Trust',
          serverUrl: 'http://127.0.0.1:8009',
        },
      ],
    });
  });

  it('names a trust by its id when its policy gives no name', () => {
    expect(clientAppConfig([{ ...trustA, policyName: ' ' }]).trusts[0]?.displayName).toBe('trust-a');
  });

  it('is written as the JSON the server reads, and its version changes only with its content', () => {
    const text = clientAppConfigText(clientAppConfig([trustA, trustB]));
    expect(JSON.parse(text)).toEqual(clientAppConfig([trustA, trustB]));
    const version = clientAppConfigVersion(text);
    expect(clientAppConfigVersion(clientAppConfigText(clientAppConfig([trustA, trustB])))).toBe(version);
    expect(clientAppConfigVersion(clientAppConfigText(clientAppConfig([trustA])))).not.toBe(version);
    const moved = clientAppConfig([trustA, { ...trustB, clientUrl: 'http://127.0.0.1:9009' }]);
    expect(clientAppConfigVersion(clientAppConfigText(moved))).not.toBe(version);
  });
});

describe('planClientApp', () => {
  const current = { codeVersion: '/work/main aaaaaaaaaaaa', configVersion: 'c1' };

  it('leaves a server alone that serves this build with these trusts (the trusts restarting changes neither)', () => {
    expect(planClientApp(current, current.codeVersion, current)).toEqual({ build: false, start: false });
  });

  it('builds and starts when nothing was ever built', () => {
    expect(planClientApp(current, undefined, undefined)).toEqual({ build: true, start: true });
  });

  it('starts the existing build without building when the server is not running', () => {
    expect(planClientApp(current, current.codeVersion, undefined)).toEqual({ build: false, start: true });
  });

  it("rebuilds and restarts when the renderer's code changed", () => {
    const running = { ...current, codeVersion: '/work/main bbbbbbbbbbbb' };
    expect(planClientApp(current, running.codeVersion, running)).toEqual({ build: true, start: true });
  });

  it('restarts without building when only the trust list or their addresses changed', () => {
    expect(planClientApp(current, current.codeVersion, { ...current, configVersion: 'c0' })).toEqual({
      build: false,
      start: true,
    });
  });

  it('restarts a server started from another build even when the build on disk is current', () => {
    const running = { ...current, codeVersion: '/elsewhere cccccccccccc' };
    expect(planClientApp(current, current.codeVersion, running)).toEqual({ build: false, start: true });
  });
});
