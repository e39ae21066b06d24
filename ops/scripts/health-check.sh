#!/usr/bin/env bash
# Asks FingerFlow's /health until it answers exactly what monitors expect, retrying with a
# growing delay (a fresh deployment needs a few seconds: migrations, then the servers).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: health-check.sh [URL] [-h|--help]

Succeeds once URL (default http://127.0.0.1:${PORT:-8080}/health) answers 200 with exactly
  {"status":"healthy","database":"connected","logging":"configured"}
and fails after $HEALTH_ATTEMPTS attempts (default 6), waiting $HEALTH_DELAY seconds
(default 1) after the first failure and twice as long after each next one, up to 30.
EOF
}

url=""
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
      [[ -z $url ]] || { usage >&2; exit 2; }
      url=$1
      ;;
  esac
  shift
done
url=${url:-http://127.0.0.1:${PORT:-8080}/health}
attempts=${HEALTH_ATTEMPTS:-6}
delay=${HEALTH_DELAY:-1}
[[ $attempts =~ ^[1-9][0-9]*$ ]] || { echo "health-check.sh: HEALTH_ATTEMPTS must be a positive whole number" >&2; exit 2; }
[[ $delay =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "health-check.sh: HEALTH_DELAY must be a number of seconds" >&2; exit 2; }
command -v curl >/dev/null 2>&1 || { echo "health-check.sh: curl is not installed" >&2; exit 1; }

# The exact body the sidecar sends when all is well; anything else (another key order, an
# "unhealthy" with a 200 from some proxy page) is a failure.
expected='{"status":"healthy","database":"connected","logging":"configured"}'

for ((attempt = 1; attempt <= attempts; attempt++)); do
  # -w appends the status on a line of its own; curl failing (refused, TLS, timeout) leaves
  # status 000 and the reason in curl's own message.
  if response=$(curl --silent --show-error --max-time 5 --write-out '\n%{http_code}' "$url" 2>&1); then :; fi
  status=${response##*$'\n'}
  body=${response%$'\n'*}
  if [[ $status == 200 && $body == "$expected" ]]; then
    echo "healthy: $url ($body)"
    exit 0
  fi
  echo "attempt $attempt/$attempts: $url answered ${status:-nothing}: ${body:0:200}" >&2
  if ((attempt < attempts)); then
    sleep "$delay"
    # Double the wait, capped at 30 s (awk: the delay may be fractional).
    delay=$(awk -v d="$delay" 'BEGIN { d *= 2; if (d > 30) d = 30; print d }')
  fi
done
echo "health-check.sh: $url is not healthy after $attempts attempts" >&2
exit 1
