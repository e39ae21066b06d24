#!/usr/bin/env bash
# Backs up FingerFlow's database with pg_dump -Fc into a timestamped file, then deletes
# backups older than the retention period. Safe to run again at any time (cron runs it daily).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
usage: backup.sh [--compose] [-h|--help]

Writes $BACKUP_DIR/fingerflow_backup_YYYYmmdd_HHMMSS.dump (UTC, pg_dump -Fc), then deletes
the fingerflow_backup_*.dump files of $BACKUP_DIR older than $RETENTION_DAYS days.

Which database:
  --compose       the postgres service of docker-compose.prod.yml (docker compose exec)
  DATABASE_URL    when set, that database
  otherwise       the local embedded database (`npm start` must be running)

Environment:
  BACKUP_DIR      where backups go (default: backups/ in the checkout)
  RETENTION_DAYS  age in days after which old backups are deleted (default 7; 0 keeps all)
EOF
}

mode=auto
while (($#)); do
  case $1 in
    --compose) mode=compose ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

RETENTION_DAYS=${RETENTION_DAYS:-7}
[[ $RETENTION_DAYS =~ ^[0-9]+$ ]] || die "RETENTION_DAYS must be a whole number of days, got '$RETENTION_DAYS'"

resolve_database "$mode"

# Backups hold password hashes and every keystroke: readable by this user only.
umask 077
mkdir -p "$BACKUP_DIR"

file="$BACKUP_DIR/fingerflow_backup_$(timestamp).dump"
echo "backing up $DB_LABEL"
dump_database "$file"
echo "backup written: $file ($(du -h "$file" | cut -f1))"

# Retention runs only after a successful dump, so a failing database never costs the old
# backups. It matches our own file names only: nothing else in BACKUP_DIR is touched, nor
# the pre-restore safety dumps. -mmin rather than -mtime: -mtime +7 would mean 8 full days.
if ((RETENTION_DAYS > 0)); then
  while IFS= read -r -d '' old; do
    rm -f -- "$old"
    echo "deleted backup older than $RETENTION_DAYS days: $old"
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'fingerflow_backup_*.dump' -mmin +$((RETENTION_DAYS * 24 * 60)) -print0)
fi
