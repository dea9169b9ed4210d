import { describe, expect, it } from 'vitest';
import { GatewayConfigError, parseGatewayConfig } from './gatewayConfig.ts';

/** The variables that have no default. */
const required = {
  BLEEP_POLICY_PATH: '/etc/bleep/policy.json',
  SYNAPSE_URL: 'http://127.0.0.1:8008',
  SYNAPSE_FEDERATION_URL: 'http://127.0.0.1:8009',
  BLEEP_DATABASE_URL: 'postgres://gateway@db/bleep',
  TRUST_DIRECTORY_PATH: '/etc/bleep/directory.json',
  TRUST_DIRECTORY_PUBLIC_KEY_PATH: '/etc/bleep/authority.pem',
  IDENTITY_SEALING_KEY_PATH: '/etc/bleep/identity-sealing.key',
  TLS_CERT_PATH: '/etc/bleep/tls.crt',
  TLS_KEY_PATH: '/etc/bleep/tls.key',
};

function configurationError(env: NodeJS.ProcessEnv): GatewayConfigError {
  try {
    parseGatewayConfig(env);
  } catch (error) {
    if (error instanceof GatewayConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('gateway configuration', () => {
  it('binds to loopback, with the default ports and limits, when nothing else is said', () => {
    expect(parseGatewayConfig(required)).toEqual({
      ...required,
      GATEWAY_BIND_ADDRESS: '127.0.0.1',
      GATEWAY_CLIENT_PORT: 8008,
      GATEWAY_FEDERATION_PORT: 8448,
      GATEWAY_CLIENT_TLS: false,
      GATEWAY_TRUSTED_PROXIES: [],
      GATEWAY_FAILED_ATTEMPTS_PER_WINDOW: 20,
      GATEWAY_FAILED_ATTEMPT_WINDOW_MINUTES: 15,
      GATEWAY_METRICS_BIND_ADDRESS: '127.0.0.1',
      GATEWAY_METRICS_PORT: 9100,
      MAX_JSON_BODY_BYTES: 1024 * 1024,
      LOG_LEVEL: 'info',
    });
  });

  it('is read once and frozen', () => {
    expect(Object.isFrozen(parseGatewayConfig(required))).toBe(true);
  });

  it('serves the client API over TLS only when told "true"', () => {
    expect(parseGatewayConfig({ ...required, GATEWAY_CLIENT_TLS: 'true' }).GATEWAY_CLIENT_TLS).toBe(true);
    expect(parseGatewayConfig({ ...required, GATEWAY_CLIENT_TLS: 'false' }).GATEWAY_CLIENT_TLS).toBe(false);
    expect(configurationError({ ...required, GATEWAY_CLIENT_TLS: 'yes' }).message).toContain(
      'GATEWAY_CLIENT_TLS',
    );
  });

  it('reads the trusted load balancers as a comma-separated list, ignoring spaces and empty entries', () => {
    expect(
      parseGatewayConfig({ ...required, GATEWAY_TRUSTED_PROXIES: ' 10.0.0.0/8 ,, 192.0.2.1 ,' })
        .GATEWAY_TRUSTED_PROXIES,
    ).toEqual(['10.0.0.0/8', '192.0.2.1']);
  });

  it('takes ports from 0 to 65535 and nothing else', () => {
    expect(parseGatewayConfig({ ...required, GATEWAY_CLIENT_PORT: '0' }).GATEWAY_CLIENT_PORT).toBe(0);
    expect(parseGatewayConfig({ ...required, GATEWAY_METRICS_PORT: '65535' }).GATEWAY_METRICS_PORT).toBe(
      65535,
    );
    for (const port of ['-1', '65536', '80.5', 'http']) {
      expect(configurationError({ ...required, GATEWAY_FEDERATION_PORT: port }).message, port).toContain(
        'GATEWAY_FEDERATION_PORT',
      );
    }
  });

  it('takes every pino log level, and no other word', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(parseGatewayConfig({ ...required, LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
    }
    expect(configurationError({ ...required, LOG_LEVEL: 'verbose' }).message).toContain('LOG_LEVEL');
  });

  it('stops the start with an error that names each variable that is wrong', () => {
    const error = configurationError({ ...required, SYNAPSE_URL: 'not a url', BLEEP_POLICY_PATH: '' });
    expect(error.name).toBe('GatewayConfigError');
    expect(error.message).toMatch(/^invalid gateway configuration:\n {2}/);
    expect(error.message).toMatch(/^ {2}SYNAPSE_URL: /m);
    expect(error.message).toMatch(/^ {2}BLEEP_POLICY_PATH: /m);
  });
});
