#!/usr/bin/env bash
# Restarts the docker-compose nodes one by one: stop (SIGTERM: drain in-flight requests, leave the cluster, exit),
# start again, and wait until the node answers 200 on /health/ready before the next one goes down.
# Usage: deploy/rolling-restart.sh [service:admin-port ...]   (default: lb1:8081 lb2:8181 lb3:8281)
# Not run in CI (no Docker engine there); see docs/deployment.md.
set -euo pipefail
cd "$(dirname "$0")/.."
compose=${COMPOSE:-docker compose}
nodes=("$@")
[ ${#nodes[@]} -gt 0 ] || nodes=(lb1:8081 lb2:8181 lb3:8281)
deadline=${READY_TIMEOUT:-120}

for entry in "${nodes[@]}"; do
  service=${entry%%:*}
  port=${entry##*:}
  echo "[rolling-restart] stopping $service (drains, leaves the cluster)"
  $compose stop -t 30 "$service"
  $compose start "$service"
  echo "[rolling-restart] waiting for $service to be ready on :$port"
  for ((i = 0; i < deadline; i++)); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      echo "[rolling-restart] $service ready"
      continue 2
    fi
    sleep 1
  done
  echo "[rolling-restart] $service not ready after ${deadline}s; stopping here" >&2
  exit 1
done
