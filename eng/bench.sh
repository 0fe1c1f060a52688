#!/usr/bin/env bash
# The side-by-side benchmark: CopilotAspire (Api published Release) against the official CopilotKit runtime
# (@copilotkit/runtime 1.75.0 on Node, bench/official), one after the other on loopback, a fresh server per
# configuration, the same C# load generator. Prints Markdown tables with the ratio ours/official per row and writes
# them to artifacts/bench/results.md. Exit status 1 if any run was incorrect.
#   eng/bench.sh            the full matrix (C = 1, 16, 64; a few minutes)
#   eng/bench.sh --quick    a small matrix (C = 1, 16; about two minutes, publishing included)
# Ours is the Api published as production runs it: NativeAOT (eng/publish-api.sh) when a C toolchain (clang or gcc)
# is present, else the framework-dependent (JIT) build, which --jit also selects.
# Other options: --concurrency 1,64  --seconds 4  --no-redis  --no-ceiling  --ours-env DOTNET_gcServer=0
#   --no-proxy (skip the remote-agent row)  --proxy-only (only that row: ours proxying to another of ours, C=16)
#   --proxy-warmup 10 (seconds of warm-up before each side of that row; the JIT build needs ~10 s to reach tier 1)
#   --app-path-only (only the whole-app-path row: through the chat page's host, CopilotAspire.Web's YARP, against
#     straight to the Api, C=16; --web-env K=V sets the web host's environment for an A/B)  --no-app-path
#   --ceiling-only (only the ceiling rows: ours, bare Kestrel flushed per frame and coalesced)
#   --runs 3 (rounds of the ceiling and app-path rows, so their spread shows)
#   --scripted-only (only the scripted rows of the official runtime, ours and the baseline: RSS A/B runs)
#   --runner-only (only the scripted runs of ours, in-memory then Redis: Redis CPU per run beside in-memory;
#     with --baseline, the baseline build's Redis runner too: the Redis runner's cost A/B)
#   --thread-list-only (only the thread-list row: GET /threads pages over 100,000 threads in one scope on Redis, C=16;
#     with --baseline, ours and the baseline alternate on the same seeded Redis for --runs rounds: A/B)
#   --baseline artifacts/bench/api/CopilotAspire.Api.dll (another published build, measured beside ours: A/B;
#     the JIT build is published there on every run)
#   --baseline artifacts/bench/api/CopilotAspire.Api.dll --baseline-env DOTNET_gcServer=0 (the same build, another setting)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
mkdir -p "$out"

command -v node >/dev/null || { echo "bench.sh: node is required (apt-get install nodejs npm)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "bench.sh: redis-server is required (apt-get install redis-server), or pass --no-redis" >&2; exit 2; }

jit=false
web=true
args=()
for arg in "$@"; do
  case "$arg" in
    --jit) jit=true ;;
    --no-app-path) web=false ;;
    *) args+=("$arg") ;;
  esac
done

(cd bench/official && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
dotnet publish CopilotAspire.Api -c Release -o "$out/api" -v quiet -nologo -clp:ErrorsOnly
dotnet build CopilotAspire.Bench -c Release -o "$out/bench" -v quiet -nologo -clp:ErrorsOnly
if [ "$web" = true ]; then
  dotnet publish CopilotAspire.Web -c Release -o "$out/web" -v quiet -nologo -clp:ErrorsOnly
  args+=(--web "$out/web/CopilotAspire.Web.dll")
fi
api="$out/api/CopilotAspire.Api.dll"
if [ "$jit" = false ]; then
  if eng/publish-api.sh "$out/api-aot" >/dev/null; then
    api="$out/api-aot/CopilotAspire.Api"
  else
    echo "bench.sh: no NativeAOT build (see above); measuring the JIT build" >&2
  fi
fi

dotnet "$out/bench/CopilotAspire.Bench.dll" --api "$api" --official bench/official \
  --out "$out/results.md" ${args[@]+"${args[@]}"}
