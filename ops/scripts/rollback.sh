#!/usr/bin/env bash
# Starts the deployment on an earlier set of images, by tag, without building anything, and
# waits until every container is healthy. Lists the tags this host has when given none.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF2'
usage: rollback.sh TAG [-h|--help]

Runs PROJECT-ingest, -sidecar and -client at TAG (as deploy.sh tagged them:
VERSION-COMMIT). Refuses when the database holds migrations that TAG's code does not know
(restore the backup deploy.sh took before them first). Without TAG: lists the tags here.
EOF2
}

tag=""
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) [[ -z $tag ]] || { usage >&2; exit 2; }; tag=$1 ;;
  esac
  shift
done

enter_deployment
project=$(project_name)
if [[ -z $tag ]]; then
  usage >&2
  echo >&2
  echo "tags of $project-sidecar on this host (running: ${FINGERFLOW_TAG:-unknown}):" >&2
  docker image ls "$project-sidecar" --format '  {{.Tag}}  ({{.CreatedSince}})' >&2 || true
  exit 2
fi
[[ $tag =~ ^[A-Za-z0-9_.-]+$ ]] || die "'$tag' is not an image tag"
images_exist "$tag" || die "no images $project-{ingest,sidecar,client}:$tag on this host; run without TAG to list the ones there are"

added_commit=${tag%-dirty}
added=$(migrations_unknown_to "${added_commit##*-}")
if [[ -n $added && ${FORCE:-no} != yes ]]; then
  echo "rollback.sh: the code of $tag does not know these migrations, which the database may hold:" >&2
  echo "  ${added//$'\n'/$'\n'  }" >&2
  echo "restore a backup from before them first (make restore ... TARGET=compose), then run this again with FORCE=yes" >&2
  exit 1
fi

echo "rolling back to $tag (from ${FINGERFLOW_TAG:-unknown})"
run_tag "$tag" || die "$tag is not healthy either; see: make ps, make logs"
record_tag "$tag"
echo "rolled back: $tag runs"
