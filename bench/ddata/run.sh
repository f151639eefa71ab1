#!/usr/bin/env bash
# CRDT micro-benchmarks: merge / delta-merge throughput and serialized sizes of a registry-shaped data set
# (10,000 hosts as LWW entries across 500 pool keys, and the same 10,000 in one key for contrast).
#
#   bench/ddata/run.sh [SECONDS_PER_MEASUREMENT]     (default 1)
#
# Single-threaded, Release build. The machine is shared: "CPU us/op" (this thread's CPU time, clock_gettime) and
# "alloc B/op" are the steady numbers; ops/s is wall clock and swings with other load.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet build -c Release "$here/DDataBench/DDataBench.csproj" -nologo -v q >/dev/null
dotnet "$here/DDataBench/bin/Release/net10.0/DDataBench.dll" "${1:-1}"
