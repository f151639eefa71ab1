#!/usr/bin/env bash
# Distributed data on real cluster nodes over loopback TCP (each node its own ActorSystem + remoting, one process):
#  - registry-change visibility latency (update on node 1 -> Changed on every other node), p50/p99 over CHANGES
#    changes, on 3 and 5 nodes, with notify-subscribers-interval 500 ms (default) and 50 ms;
#  - bytes per node per second at rest with 500 pool keys x 20 hosts: the replicator's own (anti-entropy status)
#    and the whole transport's, next to the same cluster's transport bytes with no keys.
# The 100-replica in-process simulation stays in bench/replicator/run.sh.
#
#   bench/ddata-net/run.sh [CHANGES] [IDLE_SECONDS]     (defaults 200, 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet build -c Release "$here/DdataNetBench/DdataNetBench.csproj" -nologo -v q >/dev/null
dotnet "$here/DdataNetBench/bin/Release/net10.0/DdataNetBench.dll" "${1:-200}" "${2:-10}"
