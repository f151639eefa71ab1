#!/usr/bin/env bash
# Actor kernel throughput: tell and ask, one-to-one and many-to-one. Usage: bench/actors/run.sh [scale]
# scale multiplies the message counts (default 1; use 0.1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v quiet -nologo ClusterLb.Bench.Actors.csproj >/dev/null
exec dotnet bin/Release/net10.0/ClusterLb.Bench.Actors.dll "$@"
