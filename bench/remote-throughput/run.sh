#!/usr/bin/env bash
# Remoting throughput (one-way, 200k messages) and round-trip latency (5k sequential ping-pongs) on loopback.
# Usage: bench/remote-throughput/run.sh [messages] [round-trips] [runs]
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project RemoteThroughput.csproj -- "${1:-200000}" "${2:-5000}" "${3:-3}"
