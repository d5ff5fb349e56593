#!/usr/bin/env bash
# Starts or stops a reference gateway in the background, for CTest fixtures and scripts.
#   gateway-ctl.sh start STATE_DIR GATEWAY_BIN CORPUS_FILE [extra gateway flags...]
#   gateway-ctl.sh stop STATE_DIR
# start binds 127.0.0.1 on a free port, waits until the gateway has loaded its corpus and
# answers, and leaves its URL in STATE_DIR/url (its log in STATE_DIR/gateway.log). When
# MULTITIER_GATEWAY is set, the suite targets that gateway instead: start and stop do nothing.
set -euo pipefail

cmd=${1:?usage: gateway-ctl.sh start|stop STATE_DIR ...}
dir=${2:?usage: gateway-ctl.sh start|stop STATE_DIR ...}
shift 2

if [[ -n "${MULTITIER_GATEWAY:-}" ]]; then
  echo "gateway-ctl: MULTITIER_GATEWAY=${MULTITIER_GATEWAY} is set; not starting the reference gateway"
  exit 0
fi

stop_gateway() {
  [[ -f "$dir/pid" ]] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid" "$dir/url"
}

case "$cmd" in
  start)
    bin=${1:?gateway binary}
    corpus=${2:?corpus file}
    shift 2
    mkdir -p "$dir"
    stop_gateway
    # setsid + redirections: the gateway must not hold CTest's output pipes open.
    setsid "$bin" --listen 127.0.0.1:0 --corpus "workers=$corpus" --port-file "$dir/url" "$@" \
      </dev/null >"$dir/gateway.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 3000); do
      if [[ -s "$dir/url" ]]; then
        echo "gateway-ctl: reference gateway at $(cat "$dir/url") (pid $(cat "$dir/pid"), log $dir/gateway.log)"
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
        echo "gateway-ctl: the reference gateway exited before it was ready; its log:" >&2
        tail -n 30 "$dir/gateway.log" >&2
        exit 1
      fi
      sleep 0.1
    done
    echo "gateway-ctl: the reference gateway was not ready after 300 s; its log:" >&2
    tail -n 30 "$dir/gateway.log" >&2
    stop_gateway
    exit 1
    ;;
  stop)
    stop_gateway
    echo "gateway-ctl: stopped"
    ;;
  *)
    echo "gateway-ctl: unknown command '$cmd' (start or stop)" >&2
    exit 2
    ;;
esac
