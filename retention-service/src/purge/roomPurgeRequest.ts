// What an information-governance officer gives `purge-room`: the room, why (a reason and the incident's
// reference), who they are, and optionally attachments to delete by their mxc:// address (Bleep's attachments are
// encrypted, so the server cannot tell which uploads belong to a room: the officer names them, from a client).
import { z } from 'zod';
import {
  holdReasonSchema,
  holdReferenceSchema,
  operatorSchema,
  roomIdSchema,
  serverName,
} from '../hold/legalHoldInput.ts';

const mxcSchema = z
  .string()
  .regex(new RegExp(`^mxc://${serverName}/[A-Za-z0-9_-]+$`), "an attachment looks like 'mxc://server/id'");

export const roomPurgeRequestSchema = z.object({
  roomId: roomIdSchema,
  reason: holdReasonSchema,
  reference: holdReferenceSchema,
  by: operatorSchema,
  media: z.array(mxcSchema).max(1000).default([]),
});

export type RoomPurgeRequest = z.infer<typeof roomPurgeRequestSchema>;

export type RoomPurgeErrorCode =
  | 'ROOM_PURGE_BAD_INPUT'
  | 'ROOM_PURGE_UNKNOWN_ROOM'
  | 'ROOM_UNDER_HOLD'
  | 'ROOM_PURGE_BUSY'
  | 'ROOM_PURGE_FOREIGN_MEDIA';

/** purge-room refused before anything was deleted, with a message an officer can act on. */
export class RoomPurgeError extends Error {
  override readonly name = 'RoomPurgeError';
  readonly code: RoomPurgeErrorCode;

  constructor(code: RoomPurgeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function parseRoomPurgeRequest(input: unknown): RoomPurgeRequest {
  const result = roomPurgeRequestSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new RoomPurgeError('ROOM_PURGE_BAD_INPUT', problems.join('; '));
}
