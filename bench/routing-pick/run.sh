#!/bin/sh
# Routing cost per request (pick + complete) on the request thread, per method.
# Usage: bench/routing-pick/run.sh [seconds-per-row] [method, e.g. least-request]
set -e
cd "$(dirname "$0")"
dotnet run -c Release -- "${1:-1}" ${2:+"$2"}
