#!/usr/bin/env bash
# Soak: three `clusterlb run` processes (loopback, mutual TLS, the default failure detector and split-brain
# resolver) in front of two nginx backends, a constant open-loop load through all three nodes for MINUTES minutes,
# and one node killed with kill -9 and started again every minute. Prints one row per minute: requests, those a
# first node failed and the next one answered (retried), those every node failed, p50/p99/max latency of the whole
# client request, and each node's RSS, managed heap (after the last GC, from /metrics) and thread count at the end
# of the minute.
#
#   bench/soak/run.sh [MINUTES]            (default 10)
#   env: RATE=200 (requests/s)  KILL_NODES="3" (killed in turn, one per minute)  KILL_AT=15  DOWN_FOR=15
#        BENCH_PORT_BASE=25400  KEEP=1 (keep the scratch directory)
#
# By default only node 3 is killed, so nodes 1 and 2 live through every churn cycle: a leak in what a node keeps per
# peer incarnation (associations, DData state, health checkers) shows as their RSS or threads growing minute by minute.
# Needs nginx, curl, jq (Debian packages; installed when missing and running as root). Loopback only; self-stopping.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
minutes=${1:-10}
rate=${RATE:-200}
kill_nodes=(${KILL_NODES:-3})
kill_at=${KILL_AT:-15}
down_for=${DOWN_FOR:-15}
work=$(mktemp -d /tmp/clusterlb-bench-soak.XXXXXX)
source "$repo/bench/lib/nodes.sh"
backend_pid=""
trap 'nodes_stop_all; [ -n "$backend_pid" ] && kill "$backend_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

missing=(); for t in nginx curl jq; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "missing tools: ${missing[*]}"; exit 2; }
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

b1=$((port_base - 10)); b2=$((port_base - 9))
mkdir -p "$work/nginx"
cat > "$work/nginx/backend.conf" <<NGINX
daemon off; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$b1; location / { default_type text/plain; return 200 "b1"; } }
  server { listen 127.0.0.1:$b2; location / { default_type text/plain; return 200 "b2"; } }
}
NGINX
nginx -c "$work/nginx/backend.conf" -p "$work/nginx/" > "$work/nginx/out.log" 2>&1 &
backend_pid=$!

nodes_build
dotnet build -c Release "$here" -nologo -v q > "$work/build-load.out" 2>&1 || { cat "$work/build-load.out"; exit 1; }
load="$here/bin/Release/net10.0/ClusterLb.Bench.Soak.dll"
nodes_certs 3
ports_free 3
pools="services.web.pools = [ { id = main, hosts = [ { id = b1, address = \"http://127.0.0.1:$b1\" }, { id = b2, address = \"http://127.0.0.1:$b2\" } ] } ]
  health-check { enabled = on, path = \"/\", interval = 1s }"
for i in 1 2 3; do nodes_config "$i" 20s "$pools"; node_start "$i"; done
nodes_wait_up 180 1 2 3 || exit 1
log "three nodes Up; $minutes minutes at $rate req/s, kill -9 of node(s) ${kill_nodes[*]} every minute at +${kill_at}s, down ${down_for}s"

proxies="http://127.0.0.1:$(pport 1)/,http://127.0.0.1:$(pport 2)/,http://127.0.0.1:$(pport 3)/"
dotnet "$load" --proxies "$proxies" --rate "$rate" --minutes "$minutes" > "$work/load.tsv" 2> "$work/load.err" &
load_pid=$!
start=$SECONDS

status_of() { # pid field -> value from /proc/pid/status
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
heap_mib() { # node -> managed heap after the last GC (every generation), from the node's /metrics
  curl -fsS -m 2 -H "Authorization: Bearer $token" "$(admin_url "$1")/metrics" 2>/dev/null \
    | awk '/^dotnet_gc_last_collection_heap_size_bytes/ { s += $NF } END { printf "%d", s / 1048576 }' || echo "-"
}
: > "$work/nodes.tsv"
for m in $(seq 1 "$minutes"); do
  victim=${kill_nodes[$(( (m - 1) % ${#kill_nodes[@]} ))]}
  base=$((start + (m - 1) * 60))
  while [ $SECONDS -lt $((base + kill_at)) ]; do sleep 0.2; done
  node_kill9 "$victim"
  while [ $SECONDS -lt $((base + kill_at + down_for)) ]; do sleep 0.2; done
  node_start "$victim"
  while [ $SECONDS -lt $((base + 58)) ]; do sleep 0.2; done
  row="$m	$victim"
  for i in 1 2 3; do
    p=${node_pid[$i]}
    row="$row	$(( $(status_of "$p" VmRSS) / 1024 ))	$(status_of "$p" Threads)	$(heap_mib "$i")"
  done
  echo "$row" >> "$work/nodes.tsv"
  log "minute $m sampled: $(cut -f3- <<< "$row" | tr '\t' ' ') (RSS MiB, threads, GC heap MiB per node)"
done
wait "$load_pid" || { cat "$work/load.err"; exit 1; }
members=$(for i in 1 2 3; do members_of "$i" | grep -c ' Up true$' || true; done | tr '\n' '/')

printf '\n| minute | killed | requests | retried | failed | p50 ms | p99 ms | max ms | RSS MiB n1/n2/n3 | GC heap MiB n1/n2/n3 | threads n1/n2/n3 | first failure |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
join -t $'\t' <(sort -k1,1 "$work/load.tsv") <(sort -k1,1 "$work/nodes.tsv") | sort -n \
  | awk -F'\t' '{ printf "| %s | node %s | %s | %s | %s | %s | %s | %s | %s/%s/%s | %s/%s/%s | %s/%s/%s | %s |\n", $1, $10, $2, $4, $5, $6, $7, $8, $11, $14, $17, $13, $16, $19, $12, $15, $18, $9 }'
awk -F'\t' '{ s += $2; r += $4; f += $5 } END { printf "\ntotal: %d requests, %d retried on another node, %d failed\n", s, r, f }' "$work/load.tsv"
echo "members Up and reachable at the end, as each node sees them: ${members%/}"
