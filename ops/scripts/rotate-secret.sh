#!/usr/bin/env bash
# Rotates SECRET_KEY on the compose deployment without locking anyone out of 2FA:
#   start:   .env gets a new SECRET_KEY and keeps the old one as SECRET_KEY_PREVIOUS (a copy
#            of .env is kept), the services restart on the pair, and every stored TOTP secret
#            is re-encrypted with the new key (server/bin/rotate-secret.ts in the migrate image).
#   --finish (30 minutes later, once access tokens signed with the old key have expired):
#            checks that nothing still needs the old key, drops SECRET_KEY_PREVIOUS, restarts.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF2'
usage: rotate-secret.sh [--finish] [-h|--help]

Without --finish: step 1 and 2 (new key, old kept as SECRET_KEY_PREVIOUS, re-encrypt).
With --finish:    step 3 (drop SECRET_KEY_PREVIOUS) once nothing needs it.
Acts on the compose deployment ($ENV_FILE, default .env).
EOF2
}

finish=no
while (($#)); do
  case $1 in
    --finish) finish=yes ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

enter_deployment

env_value() {
  sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1 | tr -d "\"'"
}

# set_env NAME VALUE: replaces NAME's line in .env (or appends it); VALUE empty deletes it.
set_env() {
  local tmp
  tmp=$(mktemp "$(dirname "$ENV_FILE")/.env.XXXXXX")
  grep -v "^$1=" "$ENV_FILE" >"$tmp" || true
  [[ -z $2 ]] || echo "$1=$2" >>"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

reencrypt() {
  compose run --rm --no-deps migrate node --import tsx server/bin/rotate-secret.ts "$@"
}

current=$(env_value SECRET_KEY)
previous=$(env_value SECRET_KEY_PREVIOUS)
[[ -n $current ]] || die "no SECRET_KEY in $ENV_FILE"

if [[ $finish == yes ]]; then
  [[ -n $previous ]] || die "no rotation in progress (SECRET_KEY_PREVIOUS is not set in $ENV_FILE)"
  if ! reencrypt --check; then
    die "some stored secrets still need the previous key (or none opens them); run make rotate-secret again without FINISH, or see the log line above"
  fi
  set_env SECRET_KEY_PREVIOUS ""
  compose up -d --no-build
  wait_healthy "${DEPLOY_HEALTH_TIMEOUT:-180}"
  echo "rotation finished: SECRET_KEY_PREVIOUS removed from $ENV_FILE"
  exit 0
fi

[[ -z $previous ]] || die "a rotation is in progress (SECRET_KEY_PREVIOUS is set); finish it first: make rotate-secret FINISH=yes"
command -v openssl >/dev/null 2>&1 || die "openssl is needed to generate the new key"
copy="$ENV_FILE.before-rotation-$(timestamp)"
(umask 077 && cp "$ENV_FILE" "$copy")
echo "kept a copy of $ENV_FILE as $copy"
set_env SECRET_KEY_PREVIOUS "$current"
set_env SECRET_KEY "$(openssl rand -hex 32)"
compose up -d --no-build
wait_healthy "${DEPLOY_HEALTH_TIMEOUT:-180}"
reencrypt
echo "SECRET_KEY rotated; the old key is still accepted as SECRET_KEY_PREVIOUS."
echo "In 30 minutes (access tokens signed with the old key expire), run: make rotate-secret FINISH=yes"
