#!/usr/bin/env bash
# Registry on real `clusterlb run` processes (loopback, mutual TLS on), one service `web` with one pool `main`:
#  1. change visibility: CHANGES weight changes (MODE=add: host adds) through node 1's admin API; for each, the time
#     until EVERY node's GET /api/pools/main shows it (each node polled every POLL_MS ms, 10 s bound per change),
#     p50/p99/max per cluster size, and the admin write's own latency;
#  2. at rest (no writes, no polling, pools present): transport bytes per node per second over IDLE seconds, from
#     the kernel's per-socket counters (ss -tinp: bytes_acked = sent, bytes_received) of each node process's TCP
#     connections to/from cluster ports, i.e. Akka.Remote's TLS stream (frames + TLS records, no TCP/IP headers).
#
#   bench/registry/run.sh [CHANGES] [NODES...]        (defaults: 200, 3 5)
#   env: MODE=weight|add  POLL_MS=5  IDLE=30  WARMUP=5  BENCH_PORT_BASE=25400  KEEP=1 (keep the scratch dir)
#        EXTRA_HOCON='distributed-data.gossip-interval = 1s'  (added inside every node's clusterlb { } block)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
changes=${1:-200}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(3 5)
mode=${MODE:-weight}; poll_ms=${POLL_MS:-5}; idle=${IDLE:-30}; warm=${WARMUP:-5}
work=$(mktemp -d /tmp/clusterlb-bench-registry.XXXXXX)
source "$repo/bench/lib/nodes.sh"
trap 'nodes_stop_all; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

max=0; for n in "${sizes[@]}"; do [ "$n" -gt $max ] && max=$n; done
nodes_build
dotnet build -c Release "$here" -nologo -v q > "$work/build-probe.out" 2>&1 || { cat "$work/build-probe.out"; exit 1; }
probe="$here/bin/Release/net10.0/ClusterLb.Bench.Registry.dll"
nodes_certs "$max"
ports_free "$max"

# "pid local peer sent received" for every established TCP socket of a node process that touches a cluster port.
sockets() { # cluster ports...
  ss -tinpH state established | awk -v ports="$*" '
    BEGIN { n = split(ports, a, " "); for (i = 1; i <= n; i++) P[a[i]] = 1 }
    /^[^ \t]/ { l = $3; r = $4; lp = l; rp = r; sub(/.*:/, "", lp); sub(/.*:/, "", rp)
                pid = ""; if (match($0, /pid=[0-9]+/)) pid = substr($0, RSTART + 4, RLENGTH - 4)
                keep = (lp in P) || (rp in P); next }
    keep && pid != "" { s = 0; rcv = 0
                if (match($0, /bytes_acked:[0-9]+/)) s = substr($0, RSTART + 12, RLENGTH - 12)
                if (match($0, /bytes_received:[0-9]+/)) rcv = substr($0, RSTART + 15, RLENGTH - 15)
                print pid, l, r, s, rcv; keep = 0 }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
load1() { awk '{ print $1 }' /proc/loadavg; }

vis_rows=(); rest_rows=(); odd=()
for n in "${sizes[@]}"; do
  log "=== $n nodes ==="
  rm -rf "$work/data"; ids=$(seq 1 "$n")
  for i in $ids; do nodes_config "$i" 20s "${EXTRA_HOCON:-}"; : > "$work/n$i.log"; node_start "$i"; done
  t0=$SECONDS
  nodes_wait_up 180 $ids || exit 1
  log "$n nodes Up after $((SECONDS - t0)) s; settling 5 s"
  sleep 5
  admins=$(for i in $ids; do printf '%s,' "$(admin_url "$i")"; done)
  la0=$(load1)
  line=$(dotnet "$probe" --admin "$admins" --token "$token" --changes "$changes" --warmup "$warm" --mode "$mode" \
          --poll-ms "$poll_ms" --label "$n" --raw "$work/raw-$n.tsv")
  la1=$(load1)
  log "visibility: $line"
  vis_rows+=("$line	$la0	$la1")

  # At rest: no writes and no polling from here on.
  sleep 5
  ports=$(for i in $ids; do printf '%s ' "$(cport "$i")"; done)
  declare -A c0=(); for i in $ids; do c0[$i]=$(cpu_ticks "${node_pid[$i]}"); done
  sockets $ports > "$work/ss0-$n.txt"; la0=$(load1)
  sleep "$idle"
  sockets $ports > "$work/ss1-$n.txt"; la1=$(load1)
  hz=$(getconf CLK_TCK)
  for i in $ids; do
    p=${node_pid[$i]}
    # Delta per socket present at both ends of the window (key: pid local peer); count sockets that came or went.
    r=$(awk -v p="$p" -v t="$idle" '
      FNR == NR { if ($1 == p) { S[$2" "$3] = $4; R[$2" "$3] = $5 }; next }
      $1 == p { k = $2" "$3; if (k in S) { ds += $4 - S[k]; dr += $5 - R[k]; both++ } else churn++ }
      END { printf "%.0f %.0f %d %d", ds / t, dr / t, both, churn + 0 }' "$work/ss0-$n.txt" "$work/ss1-$n.txt")
    cpu=$(awk -v a="${c0[$i]}" -v b="$(cpu_ticks "$p")" -v hz="$hz" -v t="$idle" 'BEGIN { printf "%.1f", (b - a) / hz / t * 100 }')
    rest_rows+=("$n $i $r $cpu $la0 $la1")
  done
  curl -fsS -m 3 "$(admin_url 1)/cluster/status" | jq -c '.registry' > "$work/registry-$n.json" 2>/dev/null || true
  for i in $ids; do
    w=$(grep -ciE '\b(warn|warning|error|fail)' "$work/n$i.log" || true)
    [ "$w" = 0 ] || odd+=("$n nodes, node $i: $w warning/error lines, e.g. $(grep -iE '\b(warn|warning|error|fail)' "$work/n$i.log" | head -2 | cut -c1-220 | tr '\n' ' ')")
  done
  log "registry status on node 1: $(cat "$work/registry-$n.json")"
  nodes_stop_all
  for i in $ids; do
    grep -q 'Unhandled exception' "$work/n$i.log" && odd+=("$n nodes, node $i: unhandled exception on SIGTERM: $(grep -A2 'Unhandled exception' "$work/n$i.log" | head -3 | cut -c1-160 | tr '\n' ' ')")
  done
done

printf '\n## Registry change visible on every node (%s changes of mode %s, poll %s ms, TLS on%s) — %s\n\n' "$changes" "$mode" "$poll_ms" "${EXTRA_HOCON:+, $EXTRA_HOCON}" "$(date -u '+%F %H:%M UTC')"
printf '| nodes | changes | visible everywhere p50 / p99 / max ms | admin write p50 / p99 / max ms | per-node p50 ms (node 1..n) | poll GET p50 ms | write consistency | timeouts | load 1-min (start→end) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for row in "${vis_rows[@]}"; do
  IFS=$'\t' read -r lbl ch v50 v99 vmax w50 w99 wmax pn g50 cons to fail la0 la1 <<< "$row"
  printf '| %s | %s | %s / %s / %s | %s / %s / %s | %s | %s | %s | %s | %s→%s |\n' "$lbl" "$ch" "$v50" "$v99" "$vmax" "$w50" "$w99" "$wmax" "$pn" "$g50" "$cons" "$to" "$la0" "$la1"
done
printf '\n## At rest, transport bytes per node per second over %s s (ss -tinp per-socket bytes_acked / bytes_received on cluster-port sockets)\n\n' "$idle"
printf '| nodes | node | sent B/s | received B/s | sent+received B/s | sockets (kept / came or went) | node CPU %% of a core | load 1-min (start→end) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for row in "${rest_rows[@]}"; do
  read -r n i s r both churn cpu la0 la1 <<< "$row"
  printf '| %s | %s | %s | %s | %s | %s / %s | %s | %s→%s |\n' "$n" "$i" "$s" "$r" "$((s + r))" "$both" "$churn" "$cpu" "$la0" "$la1"
done
printf '\n'
for n in "${sizes[@]}"; do
  printf '%s nodes median per node: ' "$n"
  printf '%s\n' "${rest_rows[@]}" | awk -v n="$n" '$1 == n { print $3, $4, $3 + $4 }' | sort -k3 -g \
    | awk '{ s[NR] = $1; r[NR] = $2; t[NR] = $3 } END { m = int((NR + 1) / 2); printf "sent %s B/s, received %s B/s, total %s B/s\n", s[m], r[m], t[m] }'
done
if [ ${#odd[@]} -gt 0 ]; then printf '\nLog lines worth a look:\n'; printf -- '- %s\n' "${odd[@]}"; fi
[ -n "${KEEP:-}" ] && printf '\nscratch (raw per-change times, ss snapshots, logs): %s\n' "$work"
exit 0
