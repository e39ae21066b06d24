#!/usr/bin/env bash
# The seed deployment's backup script path, kept so that its cron line keeps working:
#   0 2 * * * /opt/fingerflow/scripts/backup-db.sh >> /var/log/fingerflow-backup.log 2>&1
# It backs up the compose deployment with ops/scripts/backup.sh --compose: the same file
# names (backups/fingerflow_backup_YYYYmmdd_HHMMSS.dump) and 7-day retention as the seed's.
set -euo pipefail

case ${1:-} in
  -h | --help)
    echo "usage: scripts/backup-db.sh (no arguments; runs ops/scripts/backup.sh --compose)"
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: scripts/backup-db.sh (no arguments; runs ops/scripts/backup.sh --compose)" >&2
    exit 2
    ;;
esac
# cron starts it in $HOME with a minimal PATH: find the checkout from this file's place.
exec "$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)/ops/scripts/backup.sh" --compose
