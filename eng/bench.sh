#!/usr/bin/env bash
# The side-by-side benchmark: CopilotAspire (Api published Release) against the official CopilotKit runtime
# (@copilotkit/runtime 1.75.0 on Node, bench/official), one after the other on loopback, a fresh server per
# configuration, the same C# load generator. Prints Markdown tables with the ratio ours/official per row and writes
# them to artifacts/bench/results.md. Exit status 1 if any run was incorrect.
#   eng/bench.sh            the full matrix (C = 1, 16, 64; a few minutes)
#   eng/bench.sh --quick    a small matrix (C = 1, 16; about a minute)
# Other options: --concurrency 1,64  --seconds 4  --no-redis  --no-ceiling  --ours-env DOTNET_gcServer=0
#   --baseline artifacts/bench/api-base/CopilotAspire.Api.dll (another published build, measured beside ours: A/B)
#   --baseline artifacts/bench/api/CopilotAspire.Api.dll --baseline-env DOTNET_gcServer=0 (the same build, another setting)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
mkdir -p "$out"

command -v node >/dev/null || { echo "bench.sh: node is required (apt-get install nodejs npm)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "bench.sh: redis-server is required (apt-get install redis-server), or pass --no-redis" >&2; exit 2; }

(cd bench/official && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
dotnet publish CopilotAspire.Api -c Release -o "$out/api" -v quiet -nologo -clp:ErrorsOnly
dotnet build CopilotAspire.Bench -c Release -o "$out/bench" -v quiet -nologo -clp:ErrorsOnly

dotnet "$out/bench/CopilotAspire.Bench.dll" --api "$out/api/CopilotAspire.Api.dll" --official bench/official \
  --out "$out/results.md" "$@"
