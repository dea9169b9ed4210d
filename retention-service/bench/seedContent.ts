// What a seeded message holds: the shape of a Megolm event from a Bleep desktop (version byte 3, then about 300
// bytes of ciphertext; its keys fixed per room), or, for the few plaintext ones, a short body with no patient data.
import { randomBytes } from 'node:crypto';

export function encryptedContent(roomIndex: number): Record<string, unknown> {
  return {
    algorithm: 'm.megolm.v1.aes-sha2',
    ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(300)])
      .toString('base64')
      .replace(/=+$/, ''),
    device_id: 'BENCHSEED',
    sender_key: Buffer.from(`bench-sender-key-${roomIndex}`).toString('base64'),
    session_id: Buffer.from(`bench-session-${roomIndex}`).toString('base64'),
  };
}

export function plaintextContent(body: string): Record<string, unknown> {
  return { msgtype: 'm.text', body };
}
