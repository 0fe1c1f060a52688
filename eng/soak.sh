#!/usr/bin/env bash
# The soak: held streams, a replica crash and a Redis restart against real Api processes on loopback, each bounded in
# count and time; prints the figures and exits non-zero if a scenario fails. Every process it starts (Api replicas,
# redis-server) is stopped by its pid when its scenario ends.
#   eng/soak.sh                                        # all three, full size (10,000 streams for 60 s, 200 runs)
#   eng/soak.sh --scenario crash,restart --runs 50     # a short fault run
# Options: --scenario held,crash,restart  --streams N  --seconds S  --runs N  --lock-ttl S  --downtime S
#          --held-runner memory|redis (where the held streams' threads live; redis: the deployed shape, the memory-given-back verdict)
#          --api-env "KEY=VALUE;KEY=VALUE" (settings for every Api process: A/B runs of GC knobs, e.g. DOTNET_GCConserveMemory=5)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null 2>&1 || { echo "soak.sh: redis-server is needed (apt-get install -y redis-server)"; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 10,000 open streams need as many sockets on each side
dotnet build CopilotAspire.Api -c Release -nologo -v q >/dev/null
dotnet build CopilotAspire.Soak -c Release -nologo -v q >/dev/null
exec dotnet CopilotAspire.Soak/bin/Release/net10.0/CopilotAspire.Soak.dll --api CopilotAspire.Api/bin/Release/net10.0/CopilotAspire.Api.dll "$@"
