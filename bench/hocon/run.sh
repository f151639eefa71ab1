#!/usr/bin/env bash
# Parse/resolve timing for the HOCON parser over Akka's reference.conf.
# Usage: bench/hocon/run.sh [FILE] [ITERATIONS]   (FILE "" means the corpus copy; ITERATIONS defaults to 500)
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release --nologo -v quiet ClusterLb.Hocon.Bench.csproj >/dev/null
dotnet bin/Release/net10.0/ClusterLb.Hocon.Bench.dll "$@"
