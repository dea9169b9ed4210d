import { describe, expect, it } from 'vitest';
import { parseRetentionConfig, RetentionConfigError } from './retentionConfig.ts';

const complete = {
  BLEEP_POLICY_PATH: '/policy/trust.json',
  SYNAPSE_ADMIN_URL: 'http://synapse:8009',
  SYNAPSE_ADMIN_TOKEN: 'syt_token',
  SYNAPSE_DATABASE_URL: 'postgres://retention@db/synapse',
  SYNAPSE_PROOF_DATABASE_URL: 'postgres://retention_proof@db/synapse',
  BLEEP_DATABASE_URL: 'postgres://retention@db/bleep',
  SYNAPSE_MEDIA_STORE_PATH: '/data/media',
  RETENTION_REPORT_TOKEN: '5e8d2b7a0c4f9e1d3a6b8c0e2f4a6b8d',
};

describe('parseRetentionConfig', () => {
  it('fills in the defaults: every 10 minutes, two rooms at once, no window override', () => {
    const config = parseRetentionConfig(complete);
    expect(config).toMatchObject({
      RETENTION_INTERVAL_SECONDS: 600,
      RETENTION_ROOM_CONCURRENCY: 2,
      RETENTION_ALLOW_WINDOW_OVERRIDE: false,
      RETENTION_BIND_ADDRESS: '127.0.0.1',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names each missing variable', () => {
    const { SYNAPSE_ADMIN_TOKEN: _token, SYNAPSE_PROOF_DATABASE_URL: _proof, ...rest } = complete;
    expect(() => parseRetentionConfig(rest)).toThrow(RetentionConfigError);
    expect(() => parseRetentionConfig(rest)).toThrow(/SYNAPSE_ADMIN_TOKEN[\s\S]*SYNAPSE_PROOF_DATABASE_URL/);
  });

  it('refuses an admin URL that is not a URL, and a concurrency that would load Synapse with every room', () => {
    expect(() => parseRetentionConfig({ ...complete, SYNAPSE_ADMIN_URL: 'synapse:8009' })).toThrow(
      /SYNAPSE_ADMIN_URL/,
    );
    expect(() => parseRetentionConfig({ ...complete, RETENTION_ROOM_CONCURRENCY: '64' })).toThrow(
      /RETENTION_ROOM_CONCURRENCY/,
    );
  });

  it('refuses a spread as long as the interval', () => {
    expect(() =>
      parseRetentionConfig({
        ...complete,
        RETENTION_INTERVAL_SECONDS: '60',
        RETENTION_SPREAD_SECONDS: '60',
      }),
    ).toThrow(/RETENTION_SPREAD_SECONDS/);
  });

  it("requires the report's bearer token, long and header-safe, and never repeats a refused one", () => {
    const { RETENTION_REPORT_TOKEN: _token, ...rest } = complete;
    expect(() => parseRetentionConfig(rest)).toThrow(/RETENTION_REPORT_TOKEN/);
    for (const weak of ['changeme', 'a token with spaces that is long enough to pass']) {
      let message = '';
      try {
        parseRetentionConfig({ ...complete, RETENTION_REPORT_TOKEN: weak });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/RETENTION_REPORT_TOKEN/);
      expect(message).not.toContain(weak);
    }
  });

  it('allows the window override only when told so exactly', () => {
    expect(
      parseRetentionConfig({ ...complete, RETENTION_ALLOW_WINDOW_OVERRIDE: 'true' })
        .RETENTION_ALLOW_WINDOW_OVERRIDE,
    ).toBe(true);
    expect(() => parseRetentionConfig({ ...complete, RETENTION_ALLOW_WINDOW_OVERRIDE: 'yes' })).toThrow(
      /RETENTION_ALLOW_WINDOW_OVERRIDE/,
    );
  });
});
