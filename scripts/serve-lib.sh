# Shared by the scripts that start `augur serve` for a test (source it):
#   free_port                 a free TCP port on 127.0.0.1
#   wait_healthy PORT PID LOG  waits up to 10 s for /healthz; prints LOG and exits 1 if the
#                             server process PID ends first
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_healthy() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
  done
}
