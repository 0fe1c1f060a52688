#!/usr/bin/env bash
# Decides, once for the whole repository, which optional package families the NuGet feed can restore:
#   Whisper.net (+ Whisper.net.Runtime)             -> CopilotAspireHasWhisper (the Transcriber's Whisper engine)
#   Aspire.Hosting.AppHost + Aspire.Hosting.Testing -> CopilotAspireHasAspire  (the AppHost and the Aspire tests)
# Each family is probed by restoring a throw-away project in a temporary directory. The answer is written to
# artifacts/optional-packages.props, which Directory.Build.props imports. The result is cached: the feed is probed
# again only when that file is missing or with --force.
#
# Usage: eng/optional-packages.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
props="$root/artifacts/optional-packages.props"
force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "optional-packages: unknown argument '$arg' (use --force)" >&2; exit 2 ;;
  esac
done

# Versions come from Directory.Packages.props so that the probe and the build never disagree.
version_of() { # $1 = package id, $2 = fallback
  local v
  v="$(grep -oE "<PackageVersion Include=\"$1\" Version=\"[^\"]+\"" "$root/Directory.Packages.props" 2>/dev/null \
        | head -n1 | sed -E 's/.*Version="([^"]+)"/\1/')" || true
  if [[ -z "$v" || "$v" == *'$('* ]]; then v="$2"; fi
  echo "$v"
}
aspire_version="$(grep -oE '<AspireVersion>[^<]+' "$root/Directory.Packages.props" 2>/dev/null | head -n1 | sed 's/<AspireVersion>//')" || true
aspire_version="${aspire_version:-13.5.2}"
whisper_version="$(version_of Whisper.net 1.9.1)"
whisper_runtime_version="$(version_of Whisper.net.Runtime "$whisper_version")"

flag_of() { # prints the cached value of property $1, or nothing
  grep -oE "<$1>(true|false)</$1>" "$props" 2>/dev/null | sed -E "s#<$1>(true|false)</$1>#\1#"
}

explain() { # $1 = family, $2 = true|false, $3 = what depends on it, $4 = is|are, $5 = what happens without it
  if [[ "$2" == true ]]; then
    echo "optional-packages: $1 is on the package feed: $3 $4 built"
  else
    echo "optional-packages: $1 not on the package feed: $3 $4 left out ($5)"
  fi
}

report() {
  explain "Whisper.net $whisper_version" "$(flag_of CopilotAspireHasWhisper)" \
    "the Whisper engine" is "Transcriber builds with no engine"
  explain "Aspire $aspire_version" "$(flag_of CopilotAspireHasAspire)" \
    "Aspire-only code (the AppHost, Aspire.Hosting.Testing tests)" is "none is in the repository yet; everything else builds without Aspire"
}

if [[ "$force" == false && -f "$props" ]]; then
  report
  echo "optional-packages: cached in ${props#"$root/"} (run with --force to probe the feed again)"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/optional-packages.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# probe <name> <package@version>... : restores a project that references the packages; 0 when all restore.
probe() {
  local name="$1"; shift
  local dir="$work/$name"
  mkdir -p "$dir"
  # Stop MSBuild from walking up into a Directory.Build.props / Directory.Packages.props outside the probe.
  printf '<Project />\n' > "$dir/Directory.Build.props"
  printf '<Project />\n' > "$dir/Directory.Build.targets"
  printf '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>\n' \
    > "$dir/Directory.Packages.props"
  [[ -f "$root/nuget.config" ]] && cp "$root/nuget.config" "$dir/nuget.config"
  [[ -f "$root/NuGet.Config" ]] && cp "$root/NuGet.Config" "$dir/NuGet.Config"
  {
    echo '<Project Sdk="Microsoft.NET.Sdk">'
    echo '  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>'
    echo '  <ItemGroup>'
    local pkg
    for pkg in "$@"; do
      echo "    <PackageReference Include=\"${pkg%@*}\" Version=\"${pkg#*@}\" />"
    done
    echo '  </ItemGroup>'
    echo '</Project>'
  } > "$dir/probe.csproj"
  if timeout 600 dotnet restore "$dir/probe.csproj" --nologo -v q \
       -p:NuGetAudit=false --packages "$work/packages" > "$dir/restore.log" 2>&1; then
    return 0
  fi
  if grep -qE 'NU1101|NU1102|NU1103' "$dir/restore.log"; then
    echo "optional-packages: $name: $(grep -oE '(NU110[123])[^[]*' "$dir/restore.log" | head -n1 | sed 's/ *$//')" >&2
  else
    echo "optional-packages: $name: restore failed (network or feed error): $(grep -m1 -iE 'error' "$dir/restore.log" | sed 's/^ *//')" >&2
  fi
  return 1
}

echo "optional-packages: probing the package feed (Whisper.net $whisper_version, Aspire $aspire_version)..."
probe whisper "Whisper.net@$whisper_version" "Whisper.net.Runtime@$whisper_runtime_version" & whisper_pid=$!
probe aspire "Aspire.Hosting.AppHost@$aspire_version" "Aspire.Hosting.Testing@$aspire_version" & aspire_pid=$!
has_whisper=false; wait "$whisper_pid" && has_whisper=true
has_aspire=false; wait "$aspire_pid" && has_aspire=true

mkdir -p "$(dirname "$props")"
cat > "$props.tmp" <<PROPS
<Project>
  <!-- Written by eng/optional-packages.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); delete this file, or run the script with the force option, to probe again. -->
  <PropertyGroup>
    <CopilotAspireHasWhisper>$has_whisper</CopilotAspireHasWhisper>
    <CopilotAspireHasAspire>$has_aspire</CopilotAspireHasAspire>
  </PropertyGroup>
</Project>
PROPS
mv "$props.tmp" "$props"
report
