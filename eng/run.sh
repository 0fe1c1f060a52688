#!/usr/bin/env bash
# Runs the CopilotAspire Aspire app on this machine: builds it, then starts the AppHost (Redis, the Transcriber, two
# Api replicas and the dashboard) with its http profile, no key and no dev certificate needed.
#   Api:       http://localhost:5180/api/copilotkit   (DCP's proxy in front of both replicas)
#   Dashboard: http://localhost:15888                 (no login token)
# Redis: the Redis container when docker (or podman) answers; otherwise the machine's redis-server, installed with
# apt-get when missing. Set Redis__Mode (auto | container | local | connection-string) to choose yourself.
# Extra arguments go to the AppHost (e.g. `eng/run.sh --Api:Replicas=1`). Ctrl-C stops every process it started.
#
#   eng/run.sh --api-only [dotnet run args]   runs the Api alone on http://localhost:5180 (in-memory runner, no Redis,
#                                             no Aspire), e.g. `eng/run.sh --api-only --urls http://0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'run.sh: %s\n' "$*"; }

if [ "${1:-}" = "--api-only" ]; then
  shift
  exec dotnet run --project CopilotAspire.Api --launch-profile http "$@"
fi

# Debian packages the app runs on when missing: redis-server (Redis without a container runtime) and ffmpeg (the
# Transcriber decodes non-WAV audio with it). Waits for another apt/dpkg to finish instead of failing.
apt_install() {
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  log "installing $*"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}

container_runtime_answers() {
  local runtime
  for runtime in docker podman; do
    if command -v "$runtime" >/dev/null 2>&1 && timeout 10 "$runtime" info >/dev/null 2>&1; then
      [ "$runtime" = podman ] && export ASPIRE_CONTAINER_RUNTIME=podman
      return 0
    fi
  done
  return 1
}

if [ -z "${Redis__Mode:-}" ]; then
  if container_runtime_answers; then
    export Redis__Mode=container
  else
    export Redis__Mode=local
  fi
fi
missing=()
if [ "$Redis__Mode" = local ] && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
log "Redis: $Redis__Mode"

# DCP starts the Api and the Transcriber with `dotnet run --no-build --configuration Debug`: build them first.
dotnet build CopilotAspire.AppHost --configuration Debug -nologo -v quiet

# Job control: the AppHost runs in its own process group, and keeps SIGINT (a non-interactive shell's background job
# would ignore it); the trap below hands it Ctrl-C.
set -m
dotnet run --project CopilotAspire.AppHost --launch-profile http --no-build -- "$@" &
run_pid=$!

# Ctrl-C (or SIGINT/SIGTERM to this script) reaches the AppHost, which stops DCP, the dashboard and every resource.
stop() {
  trap - INT TERM
  log "stopping"
  # The AppHost is `dotnet run`'s child: it gets the signal and stops everything; `dotnet run` then exits with it.
  local apphost
  apphost=$(ps -o pid= --ppid "$run_pid" 2>/dev/null | head -1)
  kill -INT "${apphost:-$run_pid}" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
  exit 130
}
trap stop INT TERM

log "Dashboard: http://localhost:15888"
answered=""
for _ in $(seq 1 180); do
  kill -0 "$run_pid" 2>/dev/null || { wait "$run_pid"; exit $?; }
  if curl -fsS -m 2 -o /dev/null http://localhost:5180/api/copilotkit/info 2>/dev/null; then
    answered=1
    log "Api:       http://localhost:5180/api/copilotkit   (try: curl http://localhost:5180/api/copilotkit/info)"
    break
  fi
  sleep 1
done
[ -n "$answered" ] || log "the Api does not answer on http://localhost:5180 yet: see its state and logs in the dashboard"
wait "$run_pid"
