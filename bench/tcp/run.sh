#!/usr/bin/env bash
# L4 benchmark: ClusterLb's TCP service vs HAProxy (mode tcp) vs nginx (stream), in front of the same two echo
# backends, in the same run.
#
#   bench/tcp/run.sh [ROUNDS]            (default 3 rounds)
#   env: DURATION=10 WARMUP=5 PREWARM=20 TP_CONNS="1 8" CPS_CONNS="16" CHUNK=65536 SIZE=64
#        TARGETS="direct clusterlb haproxy nginx" CLUSTERLB_ENV="NAME=VALUE ..." BACKEND_CPUS=(unpinned)
#
# Tests (TcpLoad/, one .NET console tool for the client and the backends):
#   tpN    throughput: N long-lived connections; the client writes CHUNK-byte blocks as fast as it can and reads
#          the echo back; "MB/s" is echoed payload per second (10^6 bytes), so every byte crosses the proxy twice,
#          once each way. "CPU us/MB" is the proxy's CPU per echoed MB.
#   cpsN   connections per second: N loops, each connecting, sending SIZE bytes, reading the SIZE-byte echo,
#          half-closing and waiting for the FIN the backend sends back through the proxy, then closing.
#          "CPU us/conn" is the proxy's CPU per completed connection; p50/p99 are the connections' durations.
#   direct is the client straight to the two backends (no proxy): the client's and backends' own ceiling.
#
# Method (shared/reference/perf-anchors.md, as bench/proxy/run.sh): the client is pinned to core 0, every proxy to
# core 1, the backends (one process serving both ports) are unpinned unless BACKEND_CPUS is set. Only the measured
# target runs; the others are stopped (SIGSTOP) until their turn. Each target gets one PREWARM-second run (half
# cps, half throughput) before round 1, so ClusterLb's first measurement is not its JIT warm-up; every measurement
# is preceded by a WARMUP-second run of the same test. The target order rotates each round; the table shows
# medians over rounds. The client counts work only in its measuring window (after a 1 s ramp) and reads the proxy's
# and the backends' utime+stime from /proc at both ends of that same window. "load" is the 1-minute load average at
# the end of each measurement: other work on the machine shows there.
# Needs: nginx with the stream module (Debian: nginx, libnginx-mod-stream), haproxy; installed when missing and
# running as root. Loopback only.
set -euo pipefail

rounds=${1:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-5}
prewarm=${PREWARM:-20}
chunk=${CHUNK:-65536}
size=${SIZE:-64}
tp_conns=${TP_CONNS:-1 8}
cps_conns=${CPS_CONNS:-16}
tests=()
for n in $tp_conns; do tests+=("tp$n"); done
for n in $cps_conns; do tests+=("cps$n"); done
targets=(${TARGETS:-direct clusterlb haproxy nginx})

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/clusterlb-bench-tcp.XXXXXX)
mkdir -p "$work"/{logs,results}
stream_module=/usr/lib/nginx/modules/ngx_stream_module.so

declare -A port=([backend1]=16001 [backend2]=16002 [clusterlb]=15432 [haproxy]=15433 [nginx]=15434
  [clusterlb-http]=18300 [clusterlb-admin]=18301)
declare -A pid=()

log() { printf '[bench-tcp] %s\n' "$*" >&2; }

need_tools() {
  local missing=()
  command -v nginx > /dev/null 2>&1 || missing+=(nginx)
  [ -e "$stream_module" ] || missing+=(libnginx-mod-stream)
  command -v haproxy > /dev/null 2>&1 || missing+=(haproxy)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
  else
    log "missing: ${missing[*]} (install the Debian packages)"; exit 2
  fi
}

ports_free() {
  local p busy=()
  for p in "${port[@]}"; do
    ss -Htln "sport = :$p" | grep -q . && busy+=("$p")
  done
  [ ${#busy[@]} -eq 0 ] || { log "ports in use: ${busy[*]} (another bench/tcp run?)"; exit 1; }
}

cleanup() {
  for p in "${pid[@]}"; do kill -CONT -- "-$p" 2> /dev/null || true; kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT

write_configs() {
  # Each proxy as shipped, one process and one thread on one core, plain round robin over the two backends,
  # no health checks (ClusterLb's pool has health-check off too), default buffer sizes (16 KiB in all three).
  cat > "$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:${port[haproxy]}
  default_backend be
backend be
  balance roundrobin
  server s1 127.0.0.1:${port[backend1]}
  server s2 127.0.0.1:${port[backend2]}
EOF
  cat > "$work/nginx.conf" <<EOF
load_module $stream_module;
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/logs/nginx.err warn;
events { worker_connections 8192; }
stream {
  upstream backends {
    server 127.0.0.1:${port[backend1]};
    server 127.0.0.1:${port[backend2]};
  }
  server {
    listen 127.0.0.1:${port[nginx]};
    proxy_pass backends;
    proxy_timeout 60s;
  }
}
EOF
  cat > "$work/clusterlb.conf" <<EOF
include file("$here/clusterlb.conf")
clusterlb.node.data-dir = "$work/clusterlb-data"
EOF
}

start() { # name, pinned cores or "", command...
  local name=$1 core=$2; shift 2
  if [ -n "$core" ]; then
    setsid taskset -c "$core" "$@" > "$work/logs/$name.out" 2>&1 &
  else
    setsid "$@" > "$work/logs/$name.out" 2>&1 &
  fi
  pid[$name]=$!
}

tool="$here/TcpLoad/bin/Release/net10.0/TcpLoad.dll"

wait_ready() { # host:port: an echo round trip through it
  local deadline=$((SECONDS + 60))
  until dotnet "$tool" probe --target "$1" > /dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "not ready: $1"; exit 1; }
    sleep 0.3
  done
}

target_of() { # the address(es) the client connects to for a target
  if [ "$1" = direct ]; then echo "127.0.0.1:${port[backend1]},127.0.0.1:${port[backend2]}"; else echo "127.0.0.1:${port[$1]}"; fi
}

proxy_pids() { # the target's processes, comma-separated (nginx: master and workers)
  [ "$1" = direct ] && return 0
  local p=${pid[$1]}
  echo "$p $(pgrep -P "$p" || true)" | xargs | tr ' ' ','
}

only() { # target: the measured target runs alone; every other target is stopped until its turn
  local o
  for o in "${targets[@]}"; do
    [ "$o" = direct ] && continue
    [ "$o" = "$1" ] || kill -STOP -- "-${pid[$o]}" 2> /dev/null || true
  done
  [ "$1" = direct ] || kill -CONT -- "-${pid[$1]}" 2> /dev/null || true
}

load_args() { # test -> the client's mode arguments
  case $1 in
    tp*) echo "--mode throughput --connections ${1#tp} --chunk $chunk" ;;
    cps*) echo "--mode cps --connections ${1#cps} --size $size" ;;
  esac
}

run_client() { # test, target, seconds, extra args...
  local test=$1 t=$2 s=$3; shift 3
  taskset -c 0 dotnet "$tool" load $(load_args "$test") --target "$(target_of "$t")" --seconds "$s" "$@"
}

jfield() { # key < json line
  sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

measure() { # round, target, test
  local r=$1 t=$2 test=$3 out="$work/results/r$1-$2-$3.json"
  only "$t"
  run_client "$test" "$t" "$warmup" > /dev/null
  local cpu=(--cpu "backend=${pid[backend]}" --hz "$(getconf CLK_TCK)")
  [ "$t" = direct ] || cpu+=(--cpu "proxy=$(proxy_pids "$t")")
  run_client "$test" "$t" "$duration" "${cpu[@]}" > "$out"
  local line secs rate count p50 p99 proxy cores per errors load
  line=$(cat "$out")
  secs=$(jfield seconds <<< "$line")
  if [[ $test == tp* ]]; then
    rate=$(jfield mb_per_s <<< "$line"); count=$(awk -v b="$(jfield bytes <<< "$line")" 'BEGIN { print b / 1e6 }'); p50=-; p99=-
  else
    rate=$(jfield conn_per_s <<< "$line"); count=$(jfield completed <<< "$line")
    p50=$(jfield p50_ms <<< "$line"); p99=$(jfield p99_ms <<< "$line")
  fi
  proxy=$(jfield cpu_proxy <<< "$line"); proxy=${proxy:-0}
  cores=$(awk -v c="$proxy" -v s="$secs" -v t="$t" 'BEGIN { if (t == "direct") print "-"; else printf "%.2f", c / s }')
  per=$(awk -v c="$proxy" -v n="$count" -v t="$t" 'BEGIN { if (t == "direct" || n <= 0) print "-"; else printf "%.1f", c * 1e6 / n }')
  local ctx backend client core0 core1
  ctx=$(awk -v c="$(jfield ctxsw_proxy <<< "$line")" -v n="$count" -v t="$t" 'BEGIN { if (t == "direct" || n <= 0) print "-"; else printf "%.2f", c / n }')
  backend=$(awk -v c="$(jfield cpu_backend <<< "$line")" -v s="$secs" 'BEGIN { printf "%.2f", c / s }')
  client=$(awk -v c="$(jfield cpu_self <<< "$line")" -v s="$secs" 'BEGIN { printf "%.2f", c / s }')
  core0=$(jfield core0_busy <<< "$line"); core1=$(jfield core1_busy <<< "$line")
  errors=$(jfield errors <<< "$line"); load=$(jfield load1 <<< "$line")
  echo "$r $t $test $rate $p50 $p99 $cores $per $backend $client $core0 $core1 $errors $load $ctx" >> "$work/results/all.txt"
  if [[ $test == tp* ]]; then
    log "round $r $test $t: $rate MB/s, proxy $cores cores, $per us CPU/MB, $ctx ctx switches/MB, backend $backend, client $client, cores $core0/$core1 % busy, $errors errors, load $load"
  else
    log "round $r $test $t: $rate conn/s, p50 $p50 ms, p99 $p99 ms, proxy $cores cores, $per us CPU/conn, $ctx ctx switches/conn, backend $backend, client $client, cores $core0/$core1 % busy, $errors errors, load $load"
  fi
}

need_tools
ports_free
log "building ClusterLb and TcpLoad (Release); results in $work"
dotnet build -c Release "$repo/src/ClusterLb.Node" -nologo > "$work/logs/build-clusterlb.out" || { cat "$work/logs/build-clusterlb.out"; exit 1; }
dotnet build -c Release "$here/TcpLoad" -nologo > "$work/logs/build-tcpload.out" || { cat "$work/logs/build-tcpload.out"; exit 1; }
write_configs

start backend "${BACKEND_CPUS:-}" dotnet "$tool" backend --ports "${port[backend1]},${port[backend2]}"
wait_ready "127.0.0.1:${port[backend1]}"
wait_ready "127.0.0.1:${port[backend2]}"
wanted() { [[ " ${targets[*]} " == *" $1 "* ]]; }
wanted haproxy && start haproxy 1 haproxy -f "$work/haproxy.cfg" -db
wanted nginx && start nginx 1 nginx -c "$work/nginx.conf" -p "$work/"
wanted clusterlb && start clusterlb 1 env CLB_BENCH_TCP_PORT="${port[clusterlb]}" \
  CLB_BENCH_PROXY_PORT="${port[clusterlb-http]}" CLB_BENCH_ADMIN_PORT="${port[clusterlb-admin]}" \
  CLB_BENCH_BACKEND1="127.0.0.1:${port[backend1]}" CLB_BENCH_BACKEND2="127.0.0.1:${port[backend2]}" ${CLUSTERLB_ENV:-} \
  dotnet "$repo/src/ClusterLb.Node/bin/Release/net10.0/clusterlb.dll" run --config "$work/clusterlb.conf"
for t in "${targets[@]}"; do wait_ready "$(target_of "$t" | cut -d, -f1)"; done
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "all targets echo; ${rounds} rounds x {${tests[*]}} x {${targets[*]}}, ${warmup}s warm-up + ${duration}s each (load $(awk '{ print $1 }' /proc/loadavg))"

for t in "${targets[@]}"; do
  only "$t"
  run_client "cps${cps_conns%% *}" "$t" "$((prewarm / 2))" > /dev/null
  run_client "tp${tp_conns##* }" "$t" "$((prewarm / 2))" > /dev/null
done
log "pre-warmed every target for ${prewarm}s (load $(awk '{ print $1 }' /proc/loadavg))"

for r in $(seq 1 "$rounds"); do
  n=${#targets[@]}; k=$(( (r - 1) % n ))
  order=("${targets[@]:$k}" "${targets[@]:0:$k}")
  for test in "${tests[@]}"; do
    for t in "${order[@]}"; do measure "$r" "$t" "$test"; done
  done
done

# Table: medians per (test, target); ratios of the rate and of the proxy CPU per unit against HAProxy and nginx.
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v s="$2" -v f="$3" '$2 == t && $3 == s && $f != "-" { print $f }' "$work/results/all.txt" | median; }
range() { awk -v t="$1" -v s="$2" '$2 == t && $3 == s { print $4 }' "$work/results/all.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "-" }'; }
printf '\n%s, %s rounds, %ss per measurement, medians (min-max over rounds); load average (1/5/15 min) %s at the start, %s at the end\n' \
  "$(date -u '+%F %H:%M UTC')" "$rounds" "$duration" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
for test in "${tests[@]}"; do
  if [[ $test == tp* ]]; then
    printf '\n%s: throughput, %s long-lived connections, %s-byte writes, echoed\n\n' "$test" "${test#tp}" "$chunk"
    printf '| target | MB/s echoed | vs HAProxy | vs nginx | proxy cores | proxy CPU us/MB | CPU/MB vs HAProxy | vs nginx | proxy ctx sw/MB | backend cores | client cores | errors | load |\n'
    printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
  else
    printf '\n%s: connections per second, %s loops, %s-byte echo per connection\n\n' "$test" "${test#cps}" "$size"
    printf '| target | conn/s | vs HAProxy | vs nginx | p50 ms | p99 ms | proxy cores | proxy CPU us/conn | CPU/conn vs HAProxy | vs nginx | proxy ctx sw/conn | backend cores | client cores | errors | load |\n'
    printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
  fi
  h_rate=$(col haproxy "$test" 4); n_rate=$(col nginx "$test" 4); h_cpu=$(col haproxy "$test" 8); n_cpu=$(col nginx "$test" 8)
  for t in "${targets[@]}"; do
    rate=$(col "$t" "$test" 4); cpu=$(col "$t" "$test" 8)
    errs=$(awk -v t="$t" -v s="$test" '$2 == t && $3 == s { e += $13 } END { print e + 0 }' "$work/results/all.txt")
    lead=$(printf '| %s | %.0f (%s) | %s | %s' "$t" "$rate" "$(range "$t" "$test")" "$(ratio "$rate" "$h_rate")" "$(ratio "$rate" "$n_rate")")
    tail=$(printf '%s | %s | %s | %s | %s | %s | %s | %s | %s |' "$(col "$t" "$test" 7)" "$cpu" "$(ratio "$cpu" "$h_cpu")" \
      "$(ratio "$cpu" "$n_cpu")" "$(col "$t" "$test" 15)" "$(col "$t" "$test" 9)" "$(col "$t" "$test" 10)" "$errs" "$(col "$t" "$test" 14)")
    if [[ $test == tp* ]]; then
      printf '%s | %s\n' "$lead" "$tail"
    else
      printf '%s | %s | %s | %s\n' "$lead" "$(col "$t" "$test" 5)" "$(col "$t" "$test" 6)" "$tail"
    fi
  done
done
printf '\nper run: %s/results/all.txt (round target test rate p50 p99 proxy-cores cpu-per-unit backend-cores client-cores core0%% core1%% errors load)\n' "$work"
