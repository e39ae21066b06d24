#!/usr/bin/env bash
# Runs Docker Compose v2 on FingerFlow's deployment (docker-compose.prod.yml with .env), so
# every make target and script says the same thing when Compose is missing or too old.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ${1:-} == -h || ${1:-} == --help || $# -eq 0 ]]; then
  cat <<'EOF2'
usage: compose.sh COMPOSE-ARGS...

Runs `docker compose -f docker-compose.prod.yml --env-file .env COMPOSE-ARGS...` with the
Compose v2 found on this host (the docker plugin, or a v2 `docker-compose` binary), or
stops with a clear message on Compose v1. COMPOSE_FILE and ENV_FILE override the files.
EOF2
  [[ $# -eq 0 ]] && exit 2
  exit 0
fi

compose "$@"
