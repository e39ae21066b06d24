# shellcheck shell=bash
# shellcheck disable=SC2034 # DB_MODE, DB_LABEL, BACKUP_DIR ... are read by the scripts that source this
# Shared by backup.sh, restore.sh and deploy.sh: where FingerFlow's database is and how to run
# the PostgreSQL client tools against it. Sourced, never run on its own.
#
# Three places a database can be:
#   compose  the `postgres` service of docker-compose.prod.yml. The tools run INSIDE that
#            container (the host may have no PostgreSQL client at all, and the container's
#            tools always match the server's major version).
#   url      DATABASE_URL, or else the embedded cluster of this checkout, whose URL
#            server/bin/database-url.ts prints (it needs `npm start` running). The tools of
#            this machine are used; they must be PostgreSQL 15 or newer.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COMPOSE_FILE=${COMPOSE_FILE:-$REPO_ROOT/docker-compose.prod.yml}
ENV_FILE=${ENV_FILE:-$REPO_ROOT/.env}
BACKUP_DIR=${BACKUP_DIR:-$REPO_ROOT/backups}

# What deploy.sh and rollback.sh remember between runs: the image tag running now and the
# one before it. Every compose command of these scripts then names the images that run.
STATE_DIR=${DEPLOY_STATE_DIR:-$REPO_ROOT/.deploy}
if [[ -z ${FINGERFLOW_TAG:-} && -f $STATE_DIR/current-tag ]]; then
  FINGERFLOW_TAG=$(<"$STATE_DIR/current-tag")
  export FINGERFLOW_TAG
fi

DB_MODE=""
DB_URL=""
DB_LABEL=""

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# UTC, so that names sort in time order across daylight-saving changes.
timestamp() {
  date -u +%Y%m%d_%H%M%S
}

# The Compose v2 command of this host, found once: the docker plugin (`docker compose`) or a
# standalone v2 binary (`docker-compose` 2.x, as some distributions package it). Compose v1
# (Debian 12's docker-compose 1.29) cannot read this compose file (top-level `name`,
# `service_completed_successfully`, `!reset`...): stop with a message that says so, instead
# of a confusing error from a later command (e.g. "the dump cannot be read").
COMPOSE_CMD=()
find_compose() {
  ((${#COMPOSE_CMD[@]})) && return 0
  local version
  if command -v docker >/dev/null 2>&1 && version=$(docker compose version --short 2>/dev/null) && [[ $version =~ ^v?2\. ]]; then
    COMPOSE_CMD=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1 && version=$(docker-compose version --short 2>/dev/null) && [[ $version =~ ^v?2\. ]]; then
    COMPOSE_CMD=(docker-compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    die "found Docker Compose v1 (docker-compose ${version:-1.x}), which cannot run FingerFlow's compose file; install Compose v2: apt-get install docker-compose-plugin (Docker's apt repository), then check with: docker compose version"
  elif command -v docker >/dev/null 2>&1; then
    die "docker is installed but Compose v2 is not (\`docker compose version\` fails); install it: apt-get install docker-compose-plugin (Docker's apt repository)"
  else
    die "docker is not installed (see DEPLOY.md, Prerequisites)"
  fi
}

# The compose deployment's scripts start here: from the repository root, with its .env, and
# with a working Compose found.
enter_deployment() {
  cd "$REPO_ROOT" || die "cannot enter $REPO_ROOT"
  [[ -f $ENV_FILE ]] || die "no $ENV_FILE: cp .env.production.template .env and fill it in (see DEPLOY.md)"
  find_compose
}

compose() {
  find_compose
  "${COMPOSE_CMD[@]}" -f "$COMPOSE_FILE" --env-file "$ENV_FILE" "$@"
}

# resolve_database compose|auto: sets DB_MODE, DB_URL and DB_LABEL.
resolve_database() {
  if [[ $1 == compose ]]; then
    find_compose
    [[ -f $ENV_FILE ]] || die "no $ENV_FILE: create it from .env.production.template"
    DB_MODE=compose
    DB_LABEL="the postgres service of $(basename "$COMPOSE_FILE")"
    return
  fi
  DB_MODE=url
  if [[ -n ${DATABASE_URL:-} ]]; then
    DB_URL=$DATABASE_URL
    DB_LABEL="DATABASE_URL ($(redact_url "$DB_URL"))"
  else
    # The embedded database listens only while `npm start` runs; database-url.ts says so
    # in one line when it is not.
    DB_URL=$(cd "$REPO_ROOT" && node --import tsx server/bin/database-url.ts) || die "cannot find the local database (is \`npm start\` running? or set DATABASE_URL)"
    DB_LABEL="the local embedded database ($(redact_url "$DB_URL"))"
  fi
  command -v pg_dump >/dev/null 2>&1 || die "pg_dump is not installed (Debian: apt-get install postgresql-client-15)"
}

# The URL without its password, for messages and logs.
redact_url() {
  sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"
}

# db_tool TOOL ARGS...: runs pg_dump, pg_restore or psql connected to the database.
# stdin and stdout pass straight through, so dumps stream in and out of the container.
db_tool() {
  local tool=$1
  shift
  if [[ $DB_MODE == compose ]]; then
    # Inside the container the tool connects over the local socket, which the official
    # image trusts, as the container's own POSTGRES_USER to its POSTGRES_DB: no password
    # on any command line.
    # shellcheck disable=SC2016 # expanded by the container's shell, not ours
    compose exec -T postgres sh -c 'tool=$1; shift; exec "$tool" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" "$@"' sh "$tool" "$@"
  else
    "$tool" --dbname="$DB_URL" "$@"
  fi
}

# file_tool TOOL ARGS...: runs a tool that reads a dump on stdin without a connection
# (pg_restore --list, pg_restore -f -), in the container for compose.
file_tool() {
  if [[ $DB_MODE == compose ]]; then
    compose exec -T postgres "$@"
  else
    "$@"
  fi
}

# sql QUERY: runs one query and prints its rows unaligned, fields separated by a tab.
sql() {
  db_tool psql -X --no-psqlrc -v ON_ERROR_STOP=1 --quiet --tuples-only --no-align --field-separator=$'\t' --command="$1"
}

# dump_database FILE: a custom-format dump of the whole database, written to FILE.partial
# and renamed only once pg_dump succeeded and the archive reads back, so a file with the
# final name is always a complete backup (and an interrupted run leaves no half file that
# retention or a restore could mistake for one).
dump_database() {
  local file=$1
  local partial="$file.partial"
  [[ -e $file ]] && die "$file already exists"
  # pg_dump -Fc compresses, and takes one consistent snapshot without blocking writers.
  if ! db_tool pg_dump --format=custom --no-password >"$partial"; then
    rm -f "$partial"
    die "pg_dump failed; no backup written"
  fi
  if ! file_tool pg_restore --list <"$partial" >/dev/null; then
    rm -f "$partial"
    die "the dump does not read back; no backup written"
  fi
  mv "$partial" "$file"
}

# dump_row_counts FILE: prints "table<TAB>rows" for every table whose data is in the dump.
# Reading every row also proves the whole archive decompresses, not only its header.
dump_row_counts() {
  # COPY text format puts one row per line and escapes newlines inside values, so counting
  # the lines between "COPY table (...) FROM stdin;" and "\." counts rows exactly.
  file_tool pg_restore --data-only --file=- <"$1" | awk '
    /^COPY / && / FROM stdin;$/ { table = $0; sub(/^COPY /, "", table); sub(/ \(.*$/, "", table); sub(/ FROM stdin;$/, "", table); rows = 0; copying = 1; next }
    copying && /^\\\.$/ { printf "%s\t%d\n", table, rows; copying = 0; next }
    copying { rows++ }
  ' | LC_ALL=C sort
}

# live_row_counts TABLE...: prints "table<TAB>rows" for each named table (names as the dump
# spells them, e.g. public.keystrokes), counted exactly.
live_row_counts() {
  local query="" table
  for table in "$@"; do
    [[ -n $query ]] && query+=" UNION ALL "
    query+="SELECT '${table//\'/\'\'}', count(*) FROM $table"
  done
  [[ -n $query ]] || return 0
  sql "$query" | LC_ALL=C sort
}

# The compose project: COMPOSE_PROJECT_NAME from the environment or .env, else fingerflow.
# Images are named PROJECT-ingest:TAG, PROJECT-sidecar:TAG and PROJECT-client:TAG.
project_name() {
  local name=${COMPOSE_PROJECT_NAME:-}
  [[ -n $name ]] || name=$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' "$ENV_FILE" 2>/dev/null | tail -n 1 | tr -d "\"'")
  echo "${name:-fingerflow}"
}

BUILT_IMAGES=(ingest sidecar client)

# image_tag: VERSION-COMMIT of the checkout (package.json's version, 12 hex digits of the
# commit), with -dirty when tracked files differ from that commit.
image_tag() {
  local version commit
  version=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "$REPO_ROOT/package.json" | head -n 1)
  commit=$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)
  [[ -n $version ]] || die "no version in package.json"
  if [[ -n $(git -C "$REPO_ROOT" status --porcelain --untracked-files=no) ]]; then
    echo "$version-$commit-dirty"
  else
    echo "$version-$commit"
  fi
}

# wait_healthy SECONDS: until every container of postgres, ingest (each replica), sidecar
# and client runs and reports healthy, or fails after SECONDS listing what is not.
wait_healthy() {
  local limit=$1 deadline=$((SECONDS + $1)) service state health pending seen wanted
  while :; do
    pending=""
    seen=" "
    while IFS=$'\t' read -r service state health; do
      [[ -z $service || $service == migrate ]] && continue
      seen+="$service "
      [[ $state == running && $health == healthy ]] || pending+=" $service (${state:-?}${health:+, $health})"
    done < <(compose ps --all --format '{{.Service}}\t{{.State}}\t{{.Health}}')
    for wanted in postgres ingest sidecar client; do
      [[ $seen == *" $wanted "* ]] || pending+=" $wanted (no container)"
    done
    if [[ -z $pending ]]; then
      echo "every service is healthy"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      echo "$(basename "$0"): not healthy after ${limit} s:$pending" >&2
      return 1
    fi
    sleep "${HEALTH_POLL_SECONDS:-3}"
  done
}

# images_exist TAG: whether PROJECT-{ingest,sidecar,client}:TAG are all on this host.
images_exist() {
  local image project
  project=$(project_name)
  for image in "${BUILT_IMAGES[@]}"; do
    docker image inspect "$project-$image:$1" >/dev/null 2>&1 || return 1
  done
}

# run_tag TAG: starts the stack on the images tagged TAG (no build) and waits for health.
run_tag() {
  FINGERFLOW_TAG=$1 compose up -d --no-build --remove-orphans && FINGERFLOW_TAG=$1 wait_healthy "${DEPLOY_HEALTH_TIMEOUT:-180}"
}

# record_tag TAG: TAG now runs; the tag it replaced becomes the one to roll back to.
record_tag() {
  mkdir -p "$STATE_DIR"
  if [[ -f $STATE_DIR/current-tag && $(<"$STATE_DIR/current-tag") != "$1" ]]; then
    mv "$STATE_DIR/current-tag" "$STATE_DIR/previous-tag"
  fi
  echo "$1" >"$STATE_DIR/current-tag"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $1" >>"$STATE_DIR/history"
}

# migrations_unknown_to COMMIT: the migration files at HEAD that COMMIT does not have (the
# database may hold them, and that code would refuse to start on it).
migrations_unknown_to() {
  git -C "$REPO_ROOT" cat-file -e "$1^{commit}" 2>/dev/null || return 0
  comm -13 <(git -C "$REPO_ROOT" ls-tree --name-only "$1" sql/migrations/ | sort) <(git -C "$REPO_ROOT" ls-tree --name-only HEAD sql/migrations/ | sort)
}

# The seed's guide put `0 2 * * * /opt/fingerflow/scripts/backup-db.sh >> ...` in root's
# crontab. That path still works (scripts/backup-db.sh runs backup.sh --compose); say so,
# and say when no crontab line backs the database up at all.
seed_cron_notice() {
  local table
  table=$(crontab -l 2>/dev/null) || table=""
  if grep -q 'scripts/backup-db\.sh' <<<"$table"; then
    echo "note: the crontab runs the seed's scripts/backup-db.sh; it keeps working: it runs ops/scripts/backup.sh --compose (DEPLOY.md, Backups)"
  elif ! grep -q 'backup' <<<"$table"; then
    echo "note: no nightly backup in this user's crontab; DEPLOY.md, Backups, has the line to add"
  fi
}
