#!/usr/bin/env bash
# Journal throughput table (events/s written one by one, batched, and replayed) for SQLite and PostgreSQL.
# Usage: bench/persistence/run.sh [one-by-one-events=2000] [batched-events=50000]
# PostgreSQL rows need CLUSTERLB_POSTGRES (e.g. from .ci/run's install_postgres).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q -nologo . >/dev/null
dotnet bin/Release/net10.0/PersistenceBench.dll "$@"
