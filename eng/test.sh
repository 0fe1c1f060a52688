#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what the tests need (redis-server, ffmpeg, espeak-ng, chromium, tmux,
# node/npm, a C toolchain for NativeAOT, the npm harnesses) runs `dotnet test`, and ends with one line
# "N passed, M failed". Exit status: 0 only if every test passed.
# Its arguments go to `dotnet test`: `eng/test.sh --filter Category=Fast` runs one kind of test (docs/testing.md).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf 'test.sh: %s\n' "$*"; }

# Ends the run: records the counts in artifacts/test-results/summary (for .ci/run) and prints the closing line
# "N passed, M failed" unless TEST_SUMMARY=0 (then the caller prints it).
summary="$root/artifacts/test-results/summary"
finish() {
  mkdir -p "$(dirname "$summary")"
  printf 'passed=%s\nfailed=%s\n' "$1" "$2" >"$summary"
  [ "${TEST_SUMMARY:-1}" = "0" ] || echo "$1 passed, $2 failed"
  [ "$2" -eq 0 ]
  exit $?
}

# 1. System packages (Debian). Installed only when missing; waits for another apt/dpkg to finish instead of failing.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# eng/run.sh's tests type into a real terminal.
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The NativeAOT publish (eng/publish-api.sh, tested) links with clang, or gcc when clang is absent.
{ command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; } || missing+=(clang)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  apt_wait=(-o DPkg::Lock::Timeout=600)
  $sudo_cmd apt-get "${apt_wait[@]}" update -qq \
    && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { log "could not install ${missing[*]}"; finish 0 1; }
fi

# 2. The official @ag-ui/client (0.0.59 and 1.0), used by the client tests, the official runtime the benchmark's and the
#    BuiltInAgent's side-by-side tests run, and the MCP server (@modelcontextprotocol/server-everything) of the MCP tests.
for harness in clients/official clients/official-1.0 bench/official clients/mcp; do
  if ! (cd "$harness" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    log "npm ci failed in $harness"; finish 0 1
  fi
done

# 3. The tests. TRX gives the counts; dotnet test's own summary is not what CI reads.
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet test CopilotAspire.Tests --configuration Release --blame-hang-timeout 10m --blame-hang-dump-type none \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@"
status=$?

trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  errors=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  timeouts=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
  aborted=$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0} ))
  passed=${passed:-0}
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then log "no test ran"; failed=1; fi
else
  log "no test results (the build failed?)"
  passed=0; failed=1
fi
finish "$passed" "$failed"
