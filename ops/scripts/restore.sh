#!/usr/bin/env bash
# Restores a backup made by backup.sh over FingerFlow's database. Destructive, so it wants
# --yes-i-am-sure, reads the whole backup before touching anything, takes a safety dump of
# the current database first, restores in one transaction (all or nothing), and checks
# afterwards that every table holds exactly the rows the backup holds.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
usage: restore.sh FILE --yes-i-am-sure [--compose] [-h|--help]

Replaces the database's contents with the backup FILE (a pg_dump -Fc file), after writing
a safety dump of the current contents to $BACKUP_DIR/fingerflow_pre_restore_*.dump.

Which database:
  --compose       the postgres service of docker-compose.prod.yml; the ingest and sidecar
                  services are stopped during the restore and started again after it
  DATABASE_URL    when set, that database
  otherwise       the local embedded database (`npm start` must be running; restart it after)
EOF
}

file=""
sure=no
mode=auto
while (($#)); do
  case $1 in
    --yes-i-am-sure) sure=yes ;;
    --compose) mode=compose ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
      [[ -z $file ]] || { usage >&2; exit 2; }
      file=$1
      ;;
  esac
  shift
done
[[ -n $file ]] || { usage >&2; exit 2; }
[[ -f $file && -r $file ]] || die "no readable backup file at $file"
if [[ $sure != yes ]]; then
  echo "restore.sh: refusing to restore without --yes-i-am-sure: it replaces every table of the database with the contents of $file" >&2
  exit 2
fi

resolve_database "$mode"
echo "restoring $file over $DB_LABEL"

# 1. Read the whole backup first. A truncated or corrupt file fails here, before anything
#    is dropped, and the row counts it yields are what the restored tables must hold.
expected=$(mktemp)
actual=$(mktemp)
restarts=()
cleanup() {
  rm -f "$expected" "$actual"
  if ((${#restarts[@]})); then
    echo "starting ${restarts[*]} again"
    compose start "${restarts[@]}" || echo "restore.sh: could not start ${restarts[*]}; run: make up TARGET=compose" >&2
  fi
}
trap cleanup EXIT
dump_row_counts "$file" >"$expected" || die "cannot read $file as a pg_dump -Fc archive; nothing was changed"
[[ -s $expected ]] || die "$file holds no table data; nothing was changed"

# 2. The safety dump: the way back if this backup turns out to be the wrong one. Never
#    deleted by backup.sh's retention (different name).
umask 077
mkdir -p "$BACKUP_DIR"
safety="$BACKUP_DIR/fingerflow_pre_restore_$(timestamp).dump"
echo "safety dump of the current database: $safety"
dump_database "$safety"

# 3. In compose, stop the writers so no flush lands between the drop and the reload, and no
#    server keeps a session cache of rows that no longer exist. They restart on exit.
if [[ $DB_MODE == compose ]]; then
  restarts=(ingest sidecar)
  compose stop "${restarts[@]}"
fi

# 4. --clean --if-exists drops each object of the backup before recreating it; --no-owner
#    lets any role restore (objects belong to the restoring role); --single-transaction
#    makes a failure roll everything back, leaving the database as it was.
if ! db_tool pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --no-password <"$file"; then
  die "pg_restore failed and was rolled back; the database is unchanged (safety dump: $safety)"
fi

# 5. Verify: every table of the backup, counted again in the database.
mapfile -t tables < <(cut -f1 "$expected")
live_row_counts "${tables[@]}" >"$actual"
printf '%-40s %12s %12s\n' table backup restored
mismatches=0
while IFS=$'\t' read -r table want got; do
  status=ok
  if [[ $want != "$got" ]]; then
    status=MISMATCH
    mismatches=$((mismatches + 1))
  fi
  printf '%-40s %12s %12s  %s\n' "$table" "$want" "${got:-missing}" "$status"
done < <(LC_ALL=C join -t $'\t' -a 1 "$expected" "$actual")

# Tables the backup does not know (made by a migration newer than the backup) survive a
# restore, while schema_migrations goes back to the backup's version: the next start would
# run that migration again and fail on the existing table. Say so, with the way out.
extra=$(sql "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" | LC_ALL=C sort | LC_ALL=C comm -23 - <(cut -f1 "$expected"))
if [[ -n $extra ]]; then
  echo "note: these tables are not in the backup and were left as they were (a migration newer than the backup?):"
  echo "  ${extra//$'\n'/$'\n'  }"
  echo "if they come from a migration the backup predates, drop them before FingerFlow starts again: the migration recreates them"
fi

if ((mismatches)); then
  die "$mismatches table(s) differ from the backup; the safety dump is $safety"
fi
echo "restore complete: ${#tables[@]} tables match the backup (safety dump: $safety)"
