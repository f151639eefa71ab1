#!/bin/sh
# Cost per request of choosing a pool's forwarding client (UpstreamClients.For), per case.
# Usage: bench/upstream-clients/run.sh [seconds-per-row]
set -e
cd "$(dirname "$0")"
dotnet run -c Release -- "${1:-1}"
