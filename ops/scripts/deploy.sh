#!/usr/bin/env bash
# Deploys the checked-out branch to the compose deployment on this host: pull, back up the
# database, build, start, wait until /health is healthy through Traefik, and print how to
# roll back. Running it again with nothing new to pull rebuilds and restarts nothing that
# did not change (compose only recreates containers whose image or settings changed).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
usage: deploy.sh [--no-pull] [--no-backup] [-h|--help]

  --no-pull    deploy the checkout as it is (no git pull)
  --no-backup  skip the pre-deploy database backup (backup.sh --compose)

Health is checked at $HEALTH_URL (default https://$DOMAIN/health, DOMAIN read from .env).
EOF
}

pull=yes
backup=yes
while (($#)); do
  case $1 in
    --no-pull) pull=no ;;
    --no-backup) backup=no ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

cd "$REPO_ROOT"
[[ -f $ENV_FILE ]] || die "no $ENV_FILE: cp .env.production.template .env and fill it in (see DEPLOY.md)"
command -v docker >/dev/null 2>&1 || die "docker is not installed"

previous=$(git rev-parse HEAD)
if [[ $pull == yes ]]; then
  # --ff-only: a deploy never creates a merge commit on the server.
  git pull --ff-only
fi
current=$(git rev-parse HEAD)
echo "deploying $(git log -1 --format='%h %s' "$current") (was $(git rev-parse --short "$previous"))"

# Migrations are forward-only: once the new version has migrated the database, going back
# to the old code may need the database as it was. Take that backup while it still is.
if [[ $backup == yes ]] && [[ -n $(compose ps --status running --quiet postgres 2>/dev/null) ]]; then
  "$REPO_ROOT/ops/scripts/backup.sh" --compose
fi

compose build
# The migrate service runs to completion before ingest and sidecar start (depends_on).
compose up -d --remove-orphans

domain=$(sed -n 's/^DOMAIN=//p' "$ENV_FILE" | tail -n 1 | tr -d "\"'" )
health_url=${HEALTH_URL:-https://${domain:-localhost}/health}

rollback() {
  echo
  echo "to roll back to the previous version:"
  echo "  git checkout --detach $previous && $(printf '%q ' docker compose -f "$COMPOSE_FILE" --env-file "$ENV_FILE")up -d --build"
  new_migrations=$(git diff --name-only --diff-filter=A "$previous" "$current" -- sql/migrations)
  if [[ -n $new_migrations ]]; then
    echo "this deploy added migrations; the old code may need the database from before them:"
    echo "  ${new_migrations//$'\n'/$'\n'  }"
    echo "  restore the pre-deploy backup with: ops/scripts/restore.sh $BACKUP_DIR/fingerflow_backup_<time>.dump --yes-i-am-sure --compose"
  fi
}

if ! HEALTH_ATTEMPTS=${HEALTH_ATTEMPTS:-8} "$REPO_ROOT/ops/scripts/health-check.sh" "$health_url"; then
  echo "deploy.sh: the new version is not healthy; recent logs:" >&2
  compose ps >&2 || true
  compose logs --tail=30 migrate ingest sidecar >&2 || true
  rollback
  exit 1
fi
echo "deployed $(git rev-parse --short "$current")"
rollback
