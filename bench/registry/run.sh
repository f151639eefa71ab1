#!/bin/sh
# Registry admin write latency and change visibility in routing, 1 node and 2 linked nodes. Usage: bench/registry/run.sh [changes]
set -e
cd "$(dirname "$0")"
dotnet run -c Release -- "${1:-20}"
