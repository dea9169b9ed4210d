#!/bin/sh
# PostgreSQL image init step (runs once, at the first start): Bleep's own database for the trust (device
# enrolments, the audit trail) beside Synapse's, owned by its own role, so the gateway never holds Synapse's
# password. The gateway connects as a second role that owns nothing: `bleep-policy migrate --grant-to
# bleep_gateway` (the bleep-migrate step) lets it read and append the audit trail, never change, delete or drop it.
#
# The retention service's two login roles, which own nothing either (the same two the local runner makes,
# deploy/local/src/retentionPreparation.ts): bleep_retention, in both databases, gets its grants from
# `bleep-retention migrate --grant-to` (Bleep's) and `bleep-retention grant-synapse --purge-role` (Synapse's);
# bleep_retention_proof, Synapse's database only, may only read what the proof checks (`--proof-role`).
# Roles are the cluster's, not a database's: one role, one password, in both databases.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=bleep_password="$BLEEP_DB_PASSWORD" --set=gateway_password="$BLEEP_GATEWAY_DB_PASSWORD" \
  --set=retention_password="$BLEEP_RETENTION_DB_PASSWORD" \
  --set=proof_password="$BLEEP_RETENTION_PROOF_DB_PASSWORD" <<'SQL'
CREATE ROLE bleep LOGIN PASSWORD :'bleep_password';
CREATE ROLE bleep_gateway LOGIN PASSWORD :'gateway_password';
CREATE ROLE bleep_retention LOGIN PASSWORD :'retention_password';
CREATE ROLE bleep_retention_proof LOGIN PASSWORD :'proof_password';
CREATE DATABASE bleep OWNER bleep ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
SQL
