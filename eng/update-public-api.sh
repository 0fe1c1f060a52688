#!/usr/bin/env bash
# Regenerates the packed libraries' public API baselines (PublicAPI.Unshipped.txt in CopilotAspire.Runtime,
# CopilotAspire.Runtime.Redis and CopilotAspire.Runtime.AgentFramework) from the current code: what the build reports as
# undeclared (RS0016) is added, what is declared but gone (RS0017) is dropped. PublicAPI.Shipped.txt is never edited:
# an API that was released and is now gone stays an error until someone removes it there on purpose.
# Use it after a deliberate API change or a merge; review the diff. Exit status 0 only if the build is clean afterwards.
# docs/packages.md "The public API baseline".
set -euo pipefail
cd "$(dirname "$0")/.."

filter=CopilotAspire.Packages.slnf
projects=$(sed -n 's/^ *"\(CopilotAspire[^"]*\.csproj\)",\{0,1\}$/\1/p' "$filter")
log() { printf 'update-public-api: %s\n' "$*"; }

# 1. Start every Unshipped file from its header, so what left the API is dropped, and build with warnings as warnings
#    so every project (the dependants too) reports what it lacks in one pass.
for project in $projects; do
  printf '#nullable enable\n' >"$(dirname "$project")/PublicAPI.Unshipped.txt"
done
output=$(mktemp)
trap 'rm -f "$output"' EXIT
dotnet build "$filter" -c Release --no-incremental -p:TreatWarningsAsErrors=false -clp:NoSummary "$@" >"$output" 2>&1 || true

# 2. Each RS0016 names the declaration line to add, and its project (the path in brackets at the end).
for project in $projects; do
  unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
  name=$(basename "$project")
  {
    printf '#nullable enable\n'
    grep -F "warning RS0016:" "$output" | grep -F "/$name]" \
      | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" \
      | LC_ALL=C sort -u
  } >"$unshipped.new"
  mv "$unshipped.new" "$unshipped"
  log "$unshipped: $(( $(wc -l <"$unshipped") - 1 )) declarations"
done

# 3. The check: the build as everyone runs it (warnings are errors).
if ! dotnet build "$filter" -c Release --no-incremental "$@" >"$output" 2>&1; then
  grep -E "error [A-Z]+[0-9]+" "$output" | sort -u | head -40
  log "the build still fails (above); RS0017 there means a shipped API is gone: fix it in PublicAPI.Shipped.txt on purpose"
  exit 1
fi
log "baselines regenerated; the packed projects build clean"
