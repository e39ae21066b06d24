#!/usr/bin/env bash
# Deploys the checked-out branch to the compose deployment on this host as a new, versioned
# set of images, and goes back to the previous set by itself when the new one is not healthy.
#   pull -> build (fresh base images) tagged VERSION-COMMIT -> back up the database ->
#   migrate -> start -> wait until every container (each ingest replica included) is healthy
#   and /health answers through Traefik -> record the tag.
# Running it again with nothing new rebuilds from cache and recreates nothing that did not change.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF2'
usage: deploy.sh [--no-pull] [--no-backup] [-h|--help]

  --no-pull    deploy the checkout as it is (no git pull)
  --no-backup  skip the pre-deploy database backup (backup.sh --compose)

Images are tagged VERSION-COMMIT (e.g. 0.1.0-1a2b3c4d5e6f). On failure the previous tag
(.deploy/current-tag) is started again, unless this deploy applied new migrations: then
it stops and prints how to restore the pre-deploy backup first. Health: every container
within $DEPLOY_HEALTH_TIMEOUT seconds (default 180), then $HEALTH_URL (default
https://$DOMAIN/health, DOMAIN read from .env).
EOF2
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

enter_deployment
seed_cron_notice

previous_tag=${FINGERFLOW_TAG:-}
if [[ $pull == yes ]]; then
  # --ff-only: a deploy never creates a merge commit on the server.
  git pull --ff-only
fi
tag=$(image_tag)
export FINGERFLOW_TAG=$tag
echo "deploying $(git log -1 --format='%h %s') as tag $tag (running now: ${previous_tag:-none recorded})"

# --pull: the base images (node, nginx) are fetched fresh, so security fixes arrive.
compose build --pull

# Migrations are forward-only: once the new version has migrated the database, going back
# to the old code may need the database as it was. Take that backup while it still is.
if [[ $backup == yes ]] && [[ -n $(compose ps --status running --quiet postgres 2>/dev/null) ]]; then
  "$REPO_ROOT/ops/scripts/backup.sh" --compose
fi

failed() {
  echo "deploy.sh: $1; recent logs:" >&2
  compose ps --all >&2 || true
  compose logs --tail=30 migrate ingest sidecar client >&2 || true
  if [[ -z $previous_tag ]]; then
    echo "deploy.sh: no previous tag recorded in $STATE_DIR: nothing to roll back to" >&2
    exit 1
  fi
  local added previous_commit=${previous_tag%-dirty}
  added=$(migrations_unknown_to "${previous_commit##*-}")
  if [[ -n $added && $migrated == yes ]]; then
    echo "deploy.sh: this deploy applied migrations that $previous_tag does not know:" >&2
    echo "  ${added//$'\n'/$'\n'  }" >&2
    echo "to go back: restore the pre-deploy backup, then start the previous images:" >&2
    echo "  make restore FILE=$BACKUP_DIR/fingerflow_backup_<time>.dump CONFIRM=yes TARGET=compose" >&2
    echo "  make rollback TAG=$previous_tag" >&2
    exit 1
  fi
  echo "deploy.sh: rolling back to $previous_tag" >&2
  if images_exist "$previous_tag" && run_tag "$previous_tag"; then
    echo "deploy.sh: rolled back; $previous_tag runs again, $tag did not deploy" >&2
  else
    echo "deploy.sh: the rollback to $previous_tag failed too; see the logs above" >&2
  fi
  exit 1
}

migrated=no
compose run --rm migrate || failed "the migrations failed"
migrated=yes
compose up -d --remove-orphans || failed "the containers did not start"
wait_healthy "${DEPLOY_HEALTH_TIMEOUT:-180}" || failed "the new version is not healthy"

domain=$(sed -n 's/^DOMAIN=//p' "$ENV_FILE" | tail -n 1 | tr -d "\"'")
health_url=${HEALTH_URL:-https://${domain:-localhost}/health}
HEALTH_ATTEMPTS=${HEALTH_ATTEMPTS:-8} "$REPO_ROOT/ops/scripts/health-check.sh" "$health_url" || failed "$health_url is not healthy through Traefik"

record_tag "$tag"
echo "deployed $tag"
[[ -z $previous_tag || $previous_tag == "$tag" ]] || echo "to roll back: make rollback TAG=$previous_tag"
