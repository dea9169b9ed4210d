#!/bin/sh
# PostgreSQL image init step (runs once, at the first start): Bleep's own database for the trust (device
# enrolments, the audit trail) beside Synapse's, owned by its own role, so the gateway never holds Synapse's
# password. The gateway connects as a second role that owns nothing: `bleep-policy migrate --grant-to
# bleep_gateway` (the bleep-migrate step) lets it read and append the audit trail, never change, delete or drop it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=bleep_password="$BLEEP_DB_PASSWORD" --set=gateway_password="$BLEEP_GATEWAY_DB_PASSWORD" <<'SQL'
CREATE ROLE bleep LOGIN PASSWORD :'bleep_password';
CREATE ROLE bleep_gateway LOGIN PASSWORD :'gateway_password';
CREATE DATABASE bleep OWNER bleep ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
SQL
