#!/usr/bin/env bash
# Real-socket cluster benchmark (loopback, one process, default protocol timings unless noted): time to form
# 3/5/10-node clusters from a seed list, failure-detection time over repeated kills, and cluster traffic at rest.
# Prints markdown tables.
#
#   bench/cluster-net/run.sh [REPEATS]     (default 3 formations per size, 3*REPEATS kills)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet run -c Release --project "$here/ClusterNetBench.csproj" -- "${1:-3}"
