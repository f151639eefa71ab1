#!/usr/bin/env bash
# CRDT micro-benchmarks: merge / delta-merge throughput and serialized sizes of a registry-shaped data set
# (10,000 hosts as LWW entries across 500 pool keys, and the same 10,000 in one key for contrast).
#
#   bench/ddata/run.sh [SECONDS_PER_MEASUREMENT]     (default 1)
#
# Single-threaded, Release build; the machine is shared, so compare runs made back to back.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet build -c Release "$here/DDataBench/DDataBench.csproj" -nologo -v q >/dev/null
dotnet "$here/DDataBench/bin/Release/net10.0/DDataBench.dll" "${1:-1}"
