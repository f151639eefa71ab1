#!/usr/bin/env bash
# Proxy benchmark: ClusterLb vs plain YARP vs nginx vs HAProxy in front of the same two backends, same run.
#
#   bench/proxy/run.sh [ROUNDS]          (default 3 rounds)
#   env: DURATION=15 WARMUP=5 PREWARM=30 CONCS="32 256" TARGETS="nginx haproxy yarp clusterlb" WRK_SCRIPT=(none)
#   more targets: clusterlb-least-request, clusterlb-p2c, clusterlb-peak-ewma and clusterlb-hash are the same
#   ClusterLb node with that pool method (hash-key = path), to compare the methods' cost against round-robin;
#   clusterlb-bare has /metrics off, clusterlb-observed has /metrics, the access log (to a file) and tracing
#   (sampled at 0) on, to measure what observing costs (plain clusterlb: /metrics on, as by default);
#   clusterlb-access-log and clusterlb-tracing add only the one (on top of the default /metrics); clusterlb-no-pgo turns dynamic
#   PGO off (DOTNET_TieredPGO=0) and clusterlb-threadpool runs socket completions on the thread pool (.NET's
#   default; ClusterLb's is inline), to measure what those two defaults bring; clusterlb-pool-client gives the pool
#   a keepalive block of its own (the default values), so requests go through its own client, picked by pool id
#
# Method (the one in shared/reference/perf-anchors.md): wrk pinned to core 0, every proxy pinned to core 1, the
# backend (one nginx worker serving two ports) unpinned; each measurement is preceded by a warm-up with the same
# concurrency; the target order rotates each round; the table shows medians over rounds. "CPU us/req" is the
# proxy's own utime+stime per request, read from /proc, which is the steadier number on a shared 2-core VM.
# Only the measured target runs: every other target is stopped (SIGSTOP) until its turn, so idle targets (a
# ClusterLb node takes a few percent of a core at rest: health checks, Akka's scheduler and gossip) take no CPU from
# the measured proxy on core 1 or from wrk on core 0. Before round 1 every target gets one PREWARM-second run (at the first
# concurrency), so the .NET targets' first measurement is not their JIT warm-up; its first 10 s are the "cold" table
# (each target's first traffic after start). PROFILE=TARGET records `perf` during that target's last round
# (tables in results/perf-*.txt; add CLUSTERLB_ENV="DOTNET_EnableWriteXorExecute=0" so JIT frames get names).
# CLUSTERLB_ENV="NAME=VALUE ..." is passed to every ClusterLb target (runtime knobs, for experiments). "load" is the 1-minute load average at the end of each measurement (median
# over rounds in the table): other work on the machine shows there.
# Needs: nginx, haproxy, wrk (Debian packages; installed when missing and running as root). Loopback only.
set -euo pipefail

rounds=${1:-3}
duration=${DURATION:-15}
warmup=${WARMUP:-5}
prewarm=${PREWARM:-30}
concs=${CONCS:-32 256}
script=()                                 # WRK_SCRIPT=bench/proxy/paths.lua: many paths instead of one
[ -n "${WRK_SCRIPT:-}" ] && script=(-s "$(cd "$(dirname "$WRK_SCRIPT")" && pwd)/$(basename "$WRK_SCRIPT")")
targets=(${TARGETS:-nginx haproxy yarp clusterlb})

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/clusterlb-bench.XXXXXX)
mkdir -p "$work"/{logs,tmp,results}

declare -A port=([backend1]=19001 [backend2]=19002 [nginx]=18081 [haproxy]=18082 [yarp]=18083 [clusterlb]=18084
  [clusterlb-least-request]=18085 [clusterlb-p2c]=18086 [clusterlb-peak-ewma]=18087 [clusterlb-hash]=18088
  [clusterlb-bare]=18089 [clusterlb-observed]=18090 [clusterlb-access-log]=18091 [clusterlb-tracing]=18092
  [clusterlb-no-pgo]=18110 [clusterlb-threadpool]=18111 [clusterlb-pool-client]=18112)
declare -A method=([clusterlb]=round-robin [clusterlb-least-request]=least-request [clusterlb-p2c]=p2c
  [clusterlb-peak-ewma]=peak-ewma [clusterlb-hash]=hash [clusterlb-bare]=round-robin [clusterlb-observed]=round-robin
  [clusterlb-access-log]=round-robin [clusterlb-tracing]=round-robin [clusterlb-no-pgo]=round-robin
  [clusterlb-threadpool]=round-robin [clusterlb-pool-client]=round-robin)
declare -A pid=()

log() { printf '[bench] %s\n' "$*" >&2; }

need_tools() {
  local missing=()
  for t in nginx haproxy wrk; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing tools: ${missing[*]} (install the Debian packages)"; exit 2
  fi
}

cleanup() {
  for p in "${pid[@]}"; do kill -CONT -- "-$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

nginx_conf() { # file name; the http block's server and upstream lines come on stdin
  local body
  body=$(cat)
  cat > "$work/$1.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/$1.pid;
error_log $work/logs/$1.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  client_body_temp_path $work/tmp/$1-body; proxy_temp_path $work/tmp/$1-proxy; fastcgi_temp_path $work/tmp/$1-fcgi;
  uwsgi_temp_path $work/tmp/$1-uwsgi; scgi_temp_path $work/tmp/$1-scgi;
$body
}
EOF
}

write_configs() {
  nginx_conf backend <<EOF
  server { listen 127.0.0.1:${port[backend1]}; location / { default_type text/plain; return 200 "hello"; } }
  server { listen 127.0.0.1:${port[backend2]}; location / { default_type text/plain; return 200 "hello"; } }
EOF
  nginx_conf nginx <<EOF
  upstream backends {
    server 127.0.0.1:${port[backend1]};
    server 127.0.0.1:${port[backend2]};
    keepalive 1024;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:${port[nginx]};
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
EOF
  cat > "$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:${port[haproxy]}
  default_backend be
backend be
  balance roundrobin
  http-reuse always
  server s1 127.0.0.1:${port[backend1]}
  server s2 127.0.0.1:${port[backend2]}
EOF
  cat > "$work/clusterlb.conf" <<EOF
include file("$here/clusterlb.conf")
clusterlb.node.data-dir = "$work/clusterlb-data-"\${CLB_BENCH_NAME}
EOF
}

start() { # name, pinned core or "", command...
  local name=$1 core=$2; shift 2
  if [ -n "$core" ]; then
    setsid taskset -c "$core" "$@" > "$work/logs/$name.out" 2>&1 &
  else
    setsid "$@" > "$work/logs/$name.out" 2>&1 &
  fi
  pid[$name]=$!
}

wait_ready() { # url
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { log "not ready: $1"; exit 1; }
    sleep 0.2
  done
}

cpu_ticks() { # utime+stime of a process and its children
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

to_ms() { # wrk latency like 745.00us / 1.99ms / 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

only() { # target: the measured target runs alone; every other target is stopped (SIGSTOP) until its turn
  local o
  for o in "${targets[@]}"; do
    [ "$o" = "$1" ] || kill -STOP -- "-${pid[$o]}" 2>/dev/null || true
  done
  kill -CONT -- "-${pid[$1]}" 2>/dev/null || true
}

measure() { # round, target, concurrency
  local r=$1 t=$2 c=$3 url="http://127.0.0.1:${port[$2]}/" out="$work/results/r$1-$2-c$3.txt"
  only "$t"
  taskset -c 0 wrk -t1 -c"$c" -d"${warmup}s" "${script[@]}" "$url" > /dev/null 2>&1
  local t0 t1 hz
  t0=$(cpu_ticks "${pid[$t]}")
  local profiling="" perf_pid=""
  if [ "${PROFILE:-}" = "$t" ] && [ "$r" = "$rounds" ]; then # perf samples this target during its last round
    profiling="$work/results/perf-$t-c$c.data"
    perf record -q -F 999 -g -p "${pid[$t]}" -o "$profiling" -- sleep "$duration" > /dev/null 2>&1 &
    perf_pid=$!
  fi
  taskset -c 0 wrk -t1 -c"$c" -d"${duration}s" --latency "${script[@]}" "$url" > "$out" 2>&1
  t1=$(cpu_ticks "${pid[$t]}")
  if [ -n "$profiling" ]; then
    wait "$perf_pid" || true
    perf report -i "$profiling" --no-children --sort dso -q 2>/dev/null | head -n 15 > "${profiling%.data}.dso.txt"
    perf report -i "$profiling" --no-children --sort dso,sym -q 2>/dev/null | head -n 60 > "${profiling%.data}.sym.txt"
    log "profile of $t at c=$c: ${profiling%.data}.{dso,sym}.txt"
  fi
  hz=$(getconf CLK_TCK)
  local rps p50 p99 errors total cpu_us
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  total=$(awk '/requests in/ { print $1 }' "$out")
  errors=$(awk '/Non-2xx/ { print $4 } /Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out" | awk '{ s += $1 } END { print s + 0 }')
  cpu_us=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$total" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
  local load; load=$(awk '{ print $1 }' /proc/loadavg)
  echo "$t $c $rps $p50 $p99 $cpu_us $errors $load" >> "$work/results/all.txt"
  log "round $r c=$c $t: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req, $errors errors, load $load"
}

need_tools
log "building ClusterLb and the plain YARP baseline (Release)"
dotnet build -c Release "$repo/src/ClusterLb.Node" -nologo > "$work/logs/build-clusterlb.out" || { cat "$work/logs/build-clusterlb.out"; exit 1; }
dotnet build -c Release "$here/PlainYarp" -nologo > "$work/logs/build-yarp.out" || { cat "$work/logs/build-yarp.out"; exit 1; }
write_configs

start backend "" nginx -c "$work/backend.conf" -p "$work/"
wanted() { [[ " ${targets[*]} " == *" $1 "* ]]; }
wanted nginx && start nginx 1 nginx -c "$work/nginx.conf" -p "$work/"
wanted haproxy && start haproxy 1 haproxy -f "$work/haproxy.cfg" -db
wanted yarp && start yarp 1 dotnet "$here/PlainYarp/bin/Release/net10.0/PlainYarp.dll" "http://127.0.0.1:${port[yarp]}" \
  "http://127.0.0.1:${port[backend1]}/" "http://127.0.0.1:${port[backend2]}/"
wait_ready "http://127.0.0.1:${port[backend1]}/"
for t in "${!method[@]}"; do
  wanted "$t" || continue
  extra=(); [ "${method[$t]}" = hash ] && extra=(CLB_BENCH_HASH_KEY=path)
  [ "$t" = clusterlb-bare ] && extra=(CLB_BENCH_METRICS=off)
  [ "$t" = clusterlb-observed ] && extra=(CLB_BENCH_METRICS=on CLB_BENCH_ACCESS_LOG=on
    CLB_BENCH_ACCESS_LOG_PATH="$work/logs/access-$t.log" CLB_BENCH_TRACING=on)
  [ "$t" = clusterlb-access-log ] && extra=(CLB_BENCH_ACCESS_LOG=on CLB_BENCH_ACCESS_LOG_PATH="$work/logs/access-$t.log")
  [ "$t" = clusterlb-tracing ] && extra=(CLB_BENCH_TRACING=on)
  [ "$t" = clusterlb-no-pgo ] && extra=(DOTNET_TieredPGO=0)
  [ "$t" = clusterlb-threadpool ] && extra=(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0)
  [ "$t" = clusterlb-pool-client ] && extra=(CLB_BENCH_POOL_IDLE_TIMEOUT=60s)
  [ "${PROFILE:-}" = "$t" ] && extra+=(DOTNET_PerfMapEnabled=1)
  start "$t" 1 env CLB_BENCH_NAME="$t" CLB_BENCH_PROXY_PORT="${port[$t]}" CLB_BENCH_ADMIN_PORT="$((port[$t] + 10))" \
    CLB_BENCH_METHOD="${method[$t]}" "${extra[@]}" ${CLUSTERLB_ENV:-} \
    CLB_BENCH_BACKEND1="127.0.0.1:${port[backend1]}" CLB_BENCH_BACKEND2="127.0.0.1:${port[backend2]}" \
    dotnet "$repo/src/ClusterLb.Node/bin/Release/net10.0/clusterlb.dll" run --config "$work/clusterlb.conf"
  # One node starting at a time: ten starting together on one core miss their start-up deadlines.
  wait_ready "http://127.0.0.1:${port[$t]}/"
done

for t in "${targets[@]}"; do wait_ready "http://127.0.0.1:${port[$t]}/"; done
log "all targets answer; ${rounds} rounds x {${concs}} x {${targets[*]}}, ${warmup}s warm-up + ${duration}s each"

first_c=${concs%% *}
# Cold: each target's first 10 s of traffic after start (its JIT has seen none of the request path yet), measured
# like any run; then the rest of the pre-warm.
for t in "${targets[@]}"; do
  only "$t"
  out="$work/results/cold-$t.txt"
  t0=$(cpu_ticks "${pid[$t]}")
  taskset -c 0 wrk -t1 -c"$first_c" -d10s --latency "${script[@]}" "http://127.0.0.1:${port[$t]}/" > "$out" 2>&1
  t1=$(cpu_ticks "${pid[$t]}")
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$out")
  total=$(awk '/requests in/ { print $1 }' "$out")
  cpu_us=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
  echo "$t $rps $(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")") $cpu_us" >> "$work/results/cold.txt"
  log "cold c=$first_c $t: $rps req/s in its first 10 s of traffic, ${cpu_us} us CPU/req"
  [ "$prewarm" -gt 10 ] && taskset -c 0 wrk -t1 -c"$first_c" -d"$((prewarm - 10))s" "${script[@]}" "http://127.0.0.1:${port[$t]}/" > /dev/null 2>&1
done
log "pre-warmed every target for max(10, ${prewarm})s at c=$first_c (load $(awk '{ print $1 }' /proc/loadavg))"
for r in $(seq 1 "$rounds"); do
  n=${#targets[@]}; k=$(( (r - 1) % n ))
  order=("${targets[@]:$k}" "${targets[@]:0:$k}")
  for c in $concs; do
    for t in "${order[@]}"; do measure "$r" "$t" "$c"; done
  done
done

# Table: medians per (target, concurrency), ratios against nginx, HAProxy and plain YARP.
stat() { awk -v t="$1" -v c="$2" -v f="$3" '$1 == t && $2 == c { print $f }' "$work/results/all.txt" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.2fx", a / b; else print "-" }'; }
printf '\n%s, %s rounds, medians\n' "$(date -u '+%F %H:%M UTC')" "$rounds"
printf '\n| target | conc | req/s (median) | p50 ms | p99 ms | proxy CPU us/req | errors | req/s vs nginx | vs HAProxy | vs plain YARP | CPU/req vs clusterlb | load (median) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for c in $concs; do
  base_nginx=$(stat nginx "$c" 3); base_haproxy=$(stat haproxy "$c" 3); base_yarp=$(stat yarp "$c" 3); base_cpu=$(stat clusterlb "$c" 6)
  for t in "${targets[@]}"; do
    rps=$(stat "$t" "$c" 3)
    errs=$(awk -v t="$t" -v c="$c" '$1 == t && $2 == c { s += $7 } END { print s + 0 }' "$work/results/all.txt")
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$c" "$rps" "$(stat "$t" "$c" 4)" \
      "$(stat "$t" "$c" 5)" "$(stat "$t" "$c" 6)" "$errs" \
      "$(ratio "$rps" "$base_nginx")" "$(ratio "$rps" "$base_haproxy")" "$(ratio "$rps" "$base_yarp")" \
      "$(ratio "$(stat "$t" "$c" 6)" "$base_cpu")" "$(stat "$t" "$c" 8)"
  done
done
printf '\ncold: the first 10 s of traffic after start, c=%s\n\n| target | req/s | p99 ms | proxy CPU us/req | req/s vs nginx |\n|---|---|---|---|---|\n' "$first_c"
cold_nginx=$(awk '$1 == "nginx" { print $2 }' "$work/results/cold.txt")
while read -r t rps p99 cpu; do
  printf '| %s | %.0f | %s | %s | %s |\n' "$t" "$rps" "$p99" "$cpu" "$(ratio "$rps" "${cold_nginx:-0}")"
done < "$work/results/cold.txt"
printf '\nevery run (target conc req/s p50 p99 us/req errors load), in order:\n'
awk '{ printf "  %s\n", $0 }' "$work/results/all.txt"
printf '\nraw results: %s\n' "$work/results"
