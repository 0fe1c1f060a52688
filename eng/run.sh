#!/usr/bin/env bash
# Runs CopilotAspire on this machine with no key and no Docker: the Api on http://localhost:5180 with the
# in-memory runner and the keyless `scripted` agent (plus `default`, which answers once OPENAI_API_KEY or
# OPENAI_BASE_URL is set). Extra arguments go to `dotnet run`, e.g. `eng/run.sh --urls http://0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project CopilotAspire.Api --launch-profile http "$@"
