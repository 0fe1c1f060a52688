#!/usr/bin/env bash
# Runs the CopilotAspire Aspire app on this machine: builds it, then starts the AppHost (Redis, the Transcriber, two
# Api replicas, the chat page and the dashboard) with its http profile, no key and no dev certificate needed.
#   Chat:      http://localhost:5200                  (the chat page: start here)
#   Api:       http://localhost:5180/api/copilotkit   (DCP's proxy in front of both replicas)
#   Dashboard: http://localhost:15888                 (no login token)
# Redis: the Redis container when docker (or podman) answers; otherwise the machine's redis-server, installed with
# apt-get when missing. Set Redis__Mode (auto | container | local | connection-string) to choose yourself.
# Extra arguments go to the AppHost (e.g. `eng/run.sh --Api:Replicas=1`).
#
# Whatever ends this script ends the app: Ctrl-C, SIGTERM, SIGHUP (the terminal closing), SIGPIPE, and SIGKILL too:
# the AppHost's standard input is a pipe only this script writes to (its lifeline, Launcher:Lifeline), and the AppHost
# stops everything it started once that pipe closes. If one of the app's ports is taken (another instance still
# runs), it refuses before building, naming the port and the process that holds it. See docs/running.md.
#
#   eng/run.sh --api-only [app args]   runs the Api alone on http://localhost:5180 (in-memory runner, no Redis, no
#                                      Aspire), e.g. `eng/run.sh --api-only --urls http://0.0.0.0:8080`.
# Options before the others: --no-build (use what is built), --configuration <Debug|Release> (default Debug).
set -euo pipefail
cd "$(dirname "$0")/.."

# Never fails: a closed terminal or a reader that went away (`eng/run.sh | tee log`, then Ctrl-C) must not stop the
# script before it has stopped the app.
log() { printf 'run.sh: %s\n' "$*" 2>/dev/null || true; }

api_only=""
build=1
configuration=Debug
while [ $# -gt 0 ]; do
  case "$1" in
    --api-only) api_only=1; shift ;;
    --no-build) build=""; shift ;;
    --configuration | -c) configuration="${2:?--configuration needs a value}"; shift 2 ;;
    *) break ;;
  esac
done

# The pid of the process listening on TCP port $1 (empty when unknown), from ss; nothing when the port is free.
# Exit status 0 when something listens.
port_holder() {
  local port=$1 line
  if command -v ss >/dev/null 2>&1; then
    line=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -1)
    [ -n "$line" ] || return 1
    grep -o 'pid=[0-9]*' <<<"$line" | head -1 | cut -d= -f2
    return 0
  fi
  # Without ss: something answers on the port, pid unknown.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (exec 3<>"/dev/tcp/::1/$port") 2>/dev/null
}

command_line() { { tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ $//'; } 2>/dev/null || true; }

# Whether pid $1 runs this script (`bash eng/run.sh ...` or `eng/run.sh ...`), not merely mentions it.
is_run_sh() {
  local args=()
  { mapfile -d '' -t args <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  [[ "${args[0]:-}" == *eng/run.sh || "${args[1]:-}" == *eng/run.sh ]]
}

# The process to stop for the app that holds pid $1: the eng/run.sh that started it (COPILOTASPIRE_RUN_PID in its
# environment, or an ancestor), else the AppHost (an ancestor, or the process DCP monitors), else the holder itself.
owner_of() {
  local pid=$1 apphost="" ppid cmd launcher
  launcher=$({ tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^COPILOTASPIRE_RUN_PID=//p' | head -1; } 2>/dev/null || true)
  if [ -n "$launcher" ] && is_run_sh "$launcher"; then
    echo "$launcher"
    return
  fi
  while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
    if is_run_sh "$pid"; then echo "$pid"; return; fi
    cmd=$(command_line "$pid")
    case "$cmd" in
      *CopilotAspire.AppHost*) [ -n "$apphost" ] || apphost=$pid ;;
      *dcp\ start-apiserver*--monitor\ *) [ -n "$apphost" ] || apphost=$(sed -n 's/.*--monitor \([0-9]*\).*/\1/p' <<<"$cmd") ;;
    esac
    ppid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null || true)
    [ "$ppid" != "$pid" ] || break
    pid=$ppid
  done
  if [ -n "$apphost" ] && kill -0 "$apphost" 2>/dev/null; then echo "$apphost"; else echo "$1"; fi
}

# Refuses to start (exit 1) when one of the ports $@ is taken, saying which port, which process, and how to stop it.
refuse_taken_ports() {
  local port pid taken="" owner owners=()
  for port in "$@"; do
    pid=$(port_holder "$port") || continue
    taken=1
    if [ -n "$pid" ]; then
      log "port $port is in use by pid $pid: $(command_line "$pid")"
      owner=$(owner_of "$pid")
      [[ " ${owners[*]} " == *" $owner "* ]] || owners+=("$owner")
    else
      log "port $port is in use (the process holding it cannot be read: try \`sudo ss -ltnp 'sport = :$port'\`)"
    fi
  done
  [ -n "$taken" ] || return 0
  for owner in "${owners[@]}"; do
    log "stop it with: kill $owner   ($(command_line "$owner" | cut -c1-160); or Ctrl-C in its terminal; stopping takes up to about 20 s)"
  done
  log "not starting: another instance (or another program) holds the ports above"
  exit 1
}

if [ -n "$api_only" ]; then
  # The Api's own port, unless moved (then the Api itself refuses a taken port).
  case " $* " in *" --urls"*) ;; *) [ -n "${ASPNETCORE_URLS:-}" ] || refuse_taken_ports 5180 ;; esac
  if [ -n "$build" ]; then
    dotnet build CopilotAspire.Api --configuration "$configuration" -nologo -v quiet
  fi
  # The Api replaces this script (exec): every signal reaches it directly, and nothing is left behind when it ends.
  # The http launch profile's settings, unless set already (app arguments such as --urls win over them).
  export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5180}"
  export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
  exec dotnet "CopilotAspire.Api/bin/$configuration/net10.0/CopilotAspire.Api.dll" "$@"
fi

# The http profile's ports: Api proxy, Transcriber, chat page, dashboard (resource service, OTLP, web).
refuse_taken_ports 5180 5190 5200 15886 15887 15888

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

# DCP starts the Api and the Transcriber with `dotnet run --no-build --configuration <the AppHost's>`: build them first.
if [ -n "$build" ]; then
  log "building ($configuration)"
  dotnet build CopilotAspire.AppHost --configuration "$configuration" -nologo -v quiet
fi

# Every process of the app inherits this (DCP passes it on to the projects): a second start names this script.
export COPILOTASPIRE_RUN_PID=$$
state=$(mktemp -d "${TMPDIR:-/tmp}/copilotaspire-run.XXXXXX")
trap 'rm -rf "$state"' EXIT
mkfifo "$state/lifeline"

# The AppHost runs in its own process group (job control), so the terminal's signals reach this script only, and
# this script decides how the app stops. Its standard input is the lifeline: this script holds the only write end
# (fd 3), so the pipe closes whenever this script ends, however it ends, and the AppHost then stops the app
# (Launcher:Lifeline). The ready file is written once the Api and the chat page are healthy (Launcher:ReadyFile).
set -m
dotnet run --project CopilotAspire.AppHost --launch-profile http --no-build --configuration "$configuration" -- \
  --Launcher:Lifeline=true "--Launcher:ReadyFile=$state/ready" "$@" <"$state/lifeline" &
run_pid=$!
exec 3>"$state/lifeline"
set +m

# Ctrl-C, SIGTERM, SIGHUP, SIGPIPE: close the lifeline and wait until the AppHost has stopped everything.
stop() {
  trap '' INT TERM HUP PIPE # once is enough; a write to a closed pipe then fails instead of ending the script
  log "stopping ($1)"
  exec 3>&-
  wait "$run_pid" 2>/dev/null || true
  log "stopped"
  exit 130
}
for signal in INT TERM HUP PIPE; do
  # shellcheck disable=SC2064 # the signal's name is meant to be expanded now
  trap "stop $signal" "$signal"
done

waited=0
until [ -f "$state/ready" ]; do
  kill -0 "$run_pid" 2>/dev/null || { wait "$run_pid" && status=0 || status=$?; log "the AppHost ended (exit $status) before the app was up"; exit "$status"; }
  if [ "$waited" -eq 180 ]; then
    log "the chat page (http://localhost:5200) or the Api (http://localhost:5180) is not healthy yet: see their state and logs in the dashboard, http://localhost:15888"
  fi
  sleep 1 3>&-
  waited=$((waited + 1))
done
log "Chat:      http://localhost:5200   <- start here: pick an agent (scripted needs no key) and talk"
log "Api:       http://localhost:5180/api/copilotkit   (try: curl http://localhost:5180/api/copilotkit/info)"
log "Dashboard: http://localhost:15888"
log "Ctrl-C (or closing this terminal) stops the app"
wait "$run_pid"
