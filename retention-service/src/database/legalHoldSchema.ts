// The legal hold tables in the trust's Bleep database (Records Management Code: deletion pauses for an inquiry, a
// legal claim or an open subject access request). A hold names a room or a user, with a reason and a reference; the
// rooms it covers are resolved by the retention service and kept beside it, so the gateway can tell clients which of
// their rooms are held without reading Synapse's database or any hold's reason. A hold is never deleted and never
// rewritten: it is released once, with who, when and why.
export const legalHoldTables = ['bleep_legal_hold', 'bleep_legal_hold_room'] as const;

/** The view the gateway reads: held room ids, nothing else (not which hold, not whose, not why). */
export const heldRoomView = 'bleep_legal_held_room';

export const legalHoldSchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_legal_hold (
  id             bigserial PRIMARY KEY,
  subject_kind   text NOT NULL CHECK (subject_kind IN ('room', 'user')),
  subject        text NOT NULL,
  reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  reference      text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
  placed_by      text NOT NULL,
  placed_at      timestamptz NOT NULL,
  released_at    timestamptz,
  released_by    text,
  release_reason text,
  CHECK ((released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL))
);
-- One active hold per subject and reference: placing the same hold twice is a mistake, not a second hold.
CREATE UNIQUE INDEX IF NOT EXISTS bleep_legal_hold_active
  ON bleep_legal_hold (subject_kind, subject, reference) WHERE released_at IS NULL;

-- The rooms a hold covers: the room itself, or every room its user is or was a member of. Only ever added to while
-- the hold is active (a held user who joins a room later brings it under the hold), never removed.
CREATE TABLE IF NOT EXISTS bleep_legal_hold_room (
  hold_id bigint NOT NULL REFERENCES bleep_legal_hold (id),
  room_id text NOT NULL,
  since   timestamptz NOT NULL,
  PRIMARY KEY (hold_id, room_id)
);
CREATE INDEX IF NOT EXISTS bleep_legal_hold_room_room ON bleep_legal_hold_room (room_id);

CREATE OR REPLACE VIEW ${heldRoomView} AS
  SELECT DISTINCT r.room_id FROM bleep_legal_hold_room r JOIN bleep_legal_hold h ON h.id = r.hold_id
  WHERE h.released_at IS NULL;

-- What a hold says is fixed when it is placed; releasing it is the one change, made once.
CREATE OR REPLACE FUNCTION bleep_legal_hold_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.released_at IS NOT NULL THEN
    RAISE EXCEPTION 'legal hold % was released already', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id <> OLD.id OR NEW.subject_kind <> OLD.subject_kind OR NEW.subject <> OLD.subject
     OR NEW.reason <> OLD.reason OR NEW.reference <> OLD.reference OR NEW.placed_by <> OLD.placed_by
     OR NEW.placed_at <> OLD.placed_at THEN
    RAISE EXCEPTION 'legal hold % cannot be changed, only released', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS bleep_legal_hold_fixed ON bleep_legal_hold;
CREATE TRIGGER bleep_legal_hold_fixed BEFORE UPDATE ON bleep_legal_hold
  FOR EACH ROW EXECUTE FUNCTION bleep_legal_hold_fixed();
`;

/** The service role's grants on the hold tables (after its REVOKE ALL): place, release, resolve, read. */
export function legalHoldGrantsSql(role: string): string {
  return `
    REVOKE ALL ON ${legalHoldTables.join(', ')}, ${heldRoomView}, bleep_legal_hold_id_seq FROM ${role};
    GRANT SELECT, INSERT, UPDATE ON bleep_legal_hold TO ${role};
    GRANT USAGE ON SEQUENCE bleep_legal_hold_id_seq TO ${role};
    GRANT SELECT, INSERT ON bleep_legal_hold_room TO ${role};
    GRANT SELECT ON ${heldRoomView} TO ${role};`;
}

/** The gateway role's one grant: the held room ids, through the view (never the holds themselves). */
export function heldRoomReadSql(role: string): string {
  return `
    REVOKE ALL ON ${legalHoldTables.join(', ')}, ${heldRoomView} FROM ${role};
    GRANT SELECT ON ${heldRoomView} TO ${role};`;
}
