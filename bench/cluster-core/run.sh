#!/usr/bin/env bash
# Cluster core benchmark: protocol timings on the deterministic simulation (virtual time) and CPU cost of the
# membership hot paths (real time). Prints markdown tables.
#
#   bench/cluster-core/run.sh [SEEDS]     (default 30 seeds per protocol scenario)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet run -c Release --project "$here/ClusterCoreBench.csproj" -- "${1:-30}"
