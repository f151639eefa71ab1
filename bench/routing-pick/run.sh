#!/bin/sh
# Routing cost per request (pick + complete) on the request thread. Usage: bench/routing-pick/run.sh [seconds-per-row]
set -e
cd "$(dirname "$0")"
dotnet run -c Release -- "${1:-1}"
