#!/bin/sh
# The local Synapse base's entrypoint (Debian sid's matrix-synapse; production runs matrixdotorg/synapse). As the
# official image's start.py does when given no command: Synapse with the configuration at SYNAPSE_CONFIG_PATH, as
# uid 991, the owner of /data. Given a command (register_new_matrix_user, generate_signing_key), runs that instead.
set -eu
if [ "$#" -gt 0 ]; then exec "$@"; fi
: "${SYNAPSE_CONFIG_PATH:?SYNAPSE_CONFIG_PATH names the rendered homeserver.yaml}"
exec setpriv --reuid=991 --regid=991 --clear-groups \
  python3 -m synapse.app.homeserver --config-path "$SYNAPSE_CONFIG_PATH"
