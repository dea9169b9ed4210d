// Creates accounts through Synapse's shared-secret registration (admin API), as trust IT would: registration is
// closed to the public. Spec of the MAC: Synapse admin API "Shared-Secret Registration".
import { createHmac } from 'node:crypto';

export type RegisteredUser = Readonly<{ userId: string; accessToken: string; deviceId: string }>;

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  readonly errcode: string | undefined;

  constructor(message: string, errcode?: string) {
    super(message);
    this.errcode = errcode;
  }
}

export type RegisterInput = Readonly<{
  /** Synapse's internal client listener, where the admin API is. */
  synapseUrl: string;
  sharedSecret: string;
  username: string;
  password: string;
  displayName?: string;
  admin?: boolean;
}>;

export function registrationMac(
  secret: string,
  nonce: string,
  username: string,
  password: string,
  admin: boolean,
): string {
  return createHmac('sha1', secret)
    .update([nonce, username, password, admin ? 'admin' : 'notadmin'].join('\0'))
    .digest('hex');
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json().catch(() => ({}))) as Record<string, unknown>;
}

export async function registerUser(input: RegisterInput): Promise<RegisteredUser> {
  const endpoint = new URL('/_synapse/admin/v1/register', input.synapseUrl);
  const nonceResponse = await fetch(endpoint);
  const { nonce } = await json(nonceResponse);
  if (!nonceResponse.ok || typeof nonce !== 'string') {
    throw new RegistrationError(
      `no registration nonce from ${endpoint.origin} (HTTP ${nonceResponse.status})`,
    );
  }
  const admin = input.admin ?? false;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      nonce,
      username: input.username,
      password: input.password,
      displayname: input.displayName,
      admin,
      mac: registrationMac(input.sharedSecret, nonce, input.username, input.password, admin),
    }),
  });
  const body = await json(response);
  if (!response.ok) {
    const errcode = typeof body.errcode === 'string' ? body.errcode : undefined;
    throw new RegistrationError(
      `registering ${input.username} failed: ${typeof body.error === 'string' ? body.error : `HTTP ${response.status}`}`,
      errcode,
    );
  }
  const { user_id: userId, access_token: accessToken, device_id: deviceId } = body;
  if (typeof userId !== 'string' || typeof accessToken !== 'string' || typeof deviceId !== 'string') {
    throw new RegistrationError(`registering ${input.username}: unexpected answer from Synapse`);
  }
  return { userId, accessToken, deviceId };
}
