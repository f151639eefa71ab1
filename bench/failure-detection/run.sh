#!/usr/bin/env bash
# Failure detection and downing on three real `clusterlb run` processes (loopback, mutual TLS on). Seeds are nodes
# 1 and 2; node 3 (a non-seed) is killed with kill -9 KILLS times per setting. After each kill the survivors'
# GET /cluster/status is polled (about every 50-100 ms each) for:
#   unreachable  both survivors list the dead member with reachable = false
#   down         a survivor lists it with status Down (keep-majority's decision; may be missed if removal follows
#                within one poll, then "-" is counted as not seen)
#   removed      the dead member's uid is gone from both survivors' member lists
# then node 3 is restarted on the same port (a new incarnation, new uid) and the time until all three nodes list
# three Up, reachable members is the "rejoin Up" phase. Settings: the defaults (split-brain-resolver.stable-after
# = 20s) and stable-after = 5s. Times are from the kill -9 (rejoin: from the restart). Every wait is bounded.
#
#   bench/failure-detection/run.sh [KILLS]          (default 6)
#   env: SETTINGS="20s 5s"  BENCH_PORT_BASE=25400  KEEP=1 (keep the scratch dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kills=${1:-6}
settings=(${SETTINGS:-20s 5s})
work=$(mktemp -d /tmp/clusterlb-bench-fd.XXXXXX)
source "$repo/bench/lib/nodes.sh"
trap 'nodes_stop_all; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
load1() { awk '{ print $1 }' /proc/loadavg; }

nodes_build
nodes_certs 3
ports_free 3
victim_addr="akka.ssl.tcp://clusterlb@127.0.0.1:$(cport 3)"
: > "$work/samples.txt"   # setting phase ms load

for st in "${settings[@]}"; do
  log "=== stable-after = $st ==="
  rm -rf "$work/data"
  for i in 1 2 3; do nodes_config "$i" "$st"; : > "$work/n$i.log"; node_start "$i"; done
  nodes_wait_up 180 1 2 3 || exit 1
  sleep 3
  for k in $(seq 1 "$kills"); do
    uid=$(members_of 1 | awk -v a="$victim_addr" '$1 == a { print $2 }')
    [ -n "$uid" ] || { log "no uid for node 3"; exit 1; }
    la=$(load1)
    t0=$(now_ms); node_kill9 3
    unr=""; down=""; rem=""; declare -A u=() r=()
    deadline=$((SECONDS + 120))
    while [ -z "$rem" ] && [ $SECONDS -lt $deadline ]; do
      for s in 1 2; do
        line=$(members_of "$s" | awk -v a="$victim_addr" -v id="$uid" '$1 == a && $2 == id')
        t=$(now_ms)
        if [ -z "$line" ]; then
          # an empty answer only counts as "removed" if the survivor answered at all
          if [ -n "$(members_of "$s")" ]; then [ -n "${r[$s]:-}" ] || r[$s]=$((t - t0)); fi
          continue
        fi
        set -- $line
        [ "$4" = false ] && [ -z "${u[$s]:-}" ] && u[$s]=$((t - t0))
        [ "$3" = Down ] && [ -z "$down" ] && down=$((t - t0))
      done
      if [ -z "$unr" ] && [ -n "${u[1]:-}" ] && [ -n "${u[2]:-}" ]; then unr=$(( u[1] > u[2] ? u[1] : u[2] )); fi
      if [ -n "${r[1]:-}" ] && [ -n "${r[2]:-}" ]; then rem=$(( r[1] > r[2] ? r[1] : r[2] )); fi
      sleep 0.05
    done
    # removal implies it was unreachable first; a removal seen before any unreachable poll leaves unr empty
    log "kill $k: unreachable ${unr:--} ms, down ${down:--} ms, removed ${rem:--} ms (load $la)"
    echo "$st unreachable ${unr:--} $la" >> "$work/samples.txt"
    echo "$st down ${down:--} $la" >> "$work/samples.txt"
    echo "$st removed ${rem:--} $la" >> "$work/samples.txt"
    [ -n "$rem" ] || { log "node 3 was not removed within 120 s"; exit 1; }
    t1=$(now_ms); node_start 3
    nodes_wait_up 120 1 2 3 || exit 1
    up=$(( $(now_ms) - t1 ))
    log "restart $k: all three Up after $up ms"
    echo "$st rejoin-up $up $(load1)" >> "$work/samples.txt"
    sleep 2
  done
  nodes_stop_all
done

pct() { sort -g | awk -v p="$1" '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1; print a[r] }'; }
printf '\n## Failure detection, 3 nodes, kill -9 of a non-seed node, %s kills per setting — %s\n\n' "$kills" "$(date -u '+%F %H:%M UTC')"
printf '| stable-after | phase | n | p50 s | p99 s | min s | max s | load 1-min (median, min–max) |\n|---|---|---|---|---|---|---|---|\n'
for st in "${settings[@]}"; do
  for ph in unreachable down removed rejoin-up; do
    vals=$(awk -v s="$st" -v p="$ph" '$1 == s && $2 == p && $3 != "-" { print $3 }' "$work/samples.txt")
    miss=$(awk -v s="$st" -v p="$ph" '$1 == s && $2 == p && $3 == "-"' "$work/samples.txt" | grep -c . || true)
    loads=$(awk -v s="$st" -v p="$ph" '$1 == s && $2 == p { print $4 }' "$work/samples.txt")
    n=$(grep -c . <<< "$vals" || true)
    sec() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.2f", v / 1000 }'; }
    printf '| %s | %s | %s%s | %s | %s | %s | %s | %s (%s–%s) |\n' "$st" "$ph" "$n" "$([ "$miss" = 0 ] || echo " (+$miss not seen)")" \
      "$(sec "$(pct 50 <<< "$vals")")" "$(sec "$(pct 99 <<< "$vals")")" "$(sec "$(pct 0 <<< "$vals")")" "$(sec "$(pct 100 <<< "$vals")")" \
      "$(pct 50 <<< "$loads")" "$(pct 0 <<< "$loads")" "$(pct 100 <<< "$loads")"
  done
done
printf '\nunreachable/down/removed: from kill -9; rejoin-up: from the restart of the killed node to three Up members on all nodes.\n'
for i in 1 2 3; do
  grep -q 'Unhandled exception' "$work/n$i.log" && printf 'node %s log: unhandled exception (on SIGTERM): %s\n' "$i" "$(grep -A2 'Unhandled exception' "$work/n$i.log" | head -3 | cut -c1-160 | tr '\n' ' ')"
  w=$(grep -ciE '\b(warn|warning|error)\b' "$work/n$i.log" || true)
  [ "$w" = 0 ] || printf 'node %s log: %s warning/error lines, e.g. %s\n' "$i" "$w" "$(grep -iE '\b(warn|warning|error)\b' "$work/n$i.log" | head -1 | cut -c1-200)"
done
[ -n "${KEEP:-}" ] && printf 'scratch: %s\n' "$work"
exit 0
