# Sourced by the serving benchmarks: start_api PORT [NAME=VALUE…] builds the API (unless NO_BUILD=1), starts it on
# 127.0.0.1:PORT with those settings, its log in $work/api.log, and waits for /health; it sets $api (the process)
# and $base (its URL). rss prints the API's resident memory in MB. Needs $root and $work.
start_api() {
  local port="$1"; shift
  [ "${NO_BUILD:-0}" = 1 ] || dotnet build "$root/src/KlimaPakt.Geo.Api" -c Release --nologo -v q >/dev/null
  env Logging__LogLevel__Default=Warning "$@" \
    dotnet "$root/src/KlimaPakt.Geo.Api/bin/Release/net10.0/KlimaPakt.Geo.Api.dll" --urls "http://127.0.0.1:$port" \
    --contentRoot "$root/src/KlimaPakt.Geo.Api" >"$work/api.log" 2>&1 &
  api=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do curl -fsS "$base/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "API did not start:" >&2; cat "$work/api.log" >&2; exit 1
}

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$api/status"; }
