import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MatrixError, policyRefusal, sendMatrixError } from './matrixError.ts';

describe('Matrix errors', () => {
  it('are Errors that say what they are in a log line or a stack trace', () => {
    const error = new MatrixError(400, 'M_BAD_JSON', 'bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MatrixError');
    expect(String(error)).toBe('MatrixError: bad');
  });

  it('are sent as JSON with their status and exact length, open to any origin, naming the rule only when a rule refused', () => {
    const written: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
    const response = {
      writeHead(status: number, headers: Record<string, unknown>) {
        Object.assign(written, { status, headers });
        return response;
      },
      end(body: string) {
        written.body = body;
      },
    };
    sendMatrixError(response as unknown as ServerResponse, policyRefusal('e2ee-only', 'Encrypt it: é'));
    const body = '{"errcode":"M_FORBIDDEN","error":"Encrypt it: é","uk.nhs.bleep.rule":"e2ee-only"}';
    expect(written).toEqual({
      status: 403,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers':
          'Authorization, Content-Type, X-Requested-With, X-Bleep-Device-Credential',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      body,
    });
    expect(new MatrixError(502, 'M_UNKNOWN', 'down').toJSON()).toEqual({
      errcode: 'M_UNKNOWN',
      error: 'down',
    });
  });
});
