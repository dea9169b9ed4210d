// Errors the gateway returns, in the Matrix shape clients already understand: an HTTP status, an errcode, a
// sentence a clinician or IT can act on, and (for policy refusals) which Bleep rule refused.
import type { ServerResponse } from 'node:http';
import { corsHeaders } from './corsHeaders.ts';

export type MatrixErrorBody = Readonly<{
  errcode: string;
  error: string;
  'uk.nhs.bleep.rule'?: string;
  /** Matrix's soft logout: the token expired, the device is kept (M_UNKNOWN_TOKEN only). */
  soft_logout?: true;
}>;

export class MatrixError extends Error {
  override readonly name = 'MatrixError';
  readonly status: number;
  readonly errcode: string;
  readonly rule: string | undefined;
  readonly softLogout: boolean;

  constructor(status: number, errcode: string, message: string, rule?: string, softLogout = false) {
    super(message);
    this.status = status;
    this.errcode = errcode;
    this.rule = rule;
    this.softLogout = softLogout;
  }

  toJSON(): MatrixErrorBody {
    return {
      errcode: this.errcode,
      error: this.message,
      ...(this.rule ? { 'uk.nhs.bleep.rule': this.rule } : {}),
      ...(this.softLogout ? { soft_logout: true as const } : {}),
    };
  }
}

/** A refusal by one of the trust's policy rules: always 403 M_FORBIDDEN unless the rule says otherwise. */
export function policyRefusal(
  rule: string,
  message: string,
  status = 403,
  errcode = 'M_FORBIDDEN',
): MatrixError {
  return new MatrixError(status, errcode, message, rule);
}

export function sendMatrixError(response: ServerResponse, error: MatrixError): void {
  const body = JSON.stringify(error.toJSON());
  response.writeHead(error.status, {
    ...corsHeaders,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
