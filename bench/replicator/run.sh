#!/usr/bin/env bash
# Replicator benchmark (in one process, in-memory links that count protobuf bytes; no sockets):
#  - registry-change visibility latency: one change every 50 ms on replica 0, time until every other replica's
#    subscriber got Changed with it; p50/p99 over CHANGES changes, for 3 and 5 replicas (one ActorSystem each) and
#    100 replicas in one ActorSystem (50 changes); with the default notify interval (500 ms) and with 50 ms;
#  - anti-entropy bytes and messages per node per second, idle, with 500 pool keys x 20 hosts replicated.
#
#   bench/replicator/run.sh [CHANGES] [IDLE_SECONDS]     (defaults 200, 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dotnet build -c Release "$here/ReplicatorBench/ReplicatorBench.csproj" -nologo -v q >/dev/null
dotnet "$here/ReplicatorBench/bin/Release/net10.0/ReplicatorBench.dll" "${1:-200}" "${2:-10}"
