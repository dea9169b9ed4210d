#!/bin/sh
# PostgreSQL image init step (runs once, at the first start): Bleep's own database for the trust (device
# enrolments, the audit trail) beside Synapse's, with its own role, so the gateway never holds Synapse's password.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=bleep_password="$BLEEP_DB_PASSWORD" <<'SQL'
CREATE ROLE bleep LOGIN PASSWORD :'bleep_password';
CREATE DATABASE bleep OWNER bleep ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
SQL
