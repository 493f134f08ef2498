#!/usr/bin/env bash
# Milvus server for development, tests and CI: milvus-lite's own gRPC server binary, run as a
# plain background process (no Docker, no Python at run time). Production points MILVUS_ADDRESS at
# a real Milvus instead.
#
#   scripts/milvus.sh install   venv under .milvus/venv with milvus-lite==2.5.1 (pip, once)
#   scripts/milvus.sh start     start on MILVUS_ADDRESS (default 127.0.0.1:19530); no-op when it answers
#   scripts/milvus.sh stop      stop the server this script started
#   scripts/milvus.sh status    exit 0 when the port answers
#
# Environment: MILVUS_ADDRESS (host:port), MILVUS_HOME (default <repo>/.milvus), MILVUS_LOG_LEVEL
# (ERROR, WARNING, INFO, DEBUG; default ERROR), MILVUS_START_TIMEOUT (seconds, default 60).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${MILVUS_HOME:-$ROOT/.milvus}"
VENV="$HOME_DIR/venv"
DATA_DIR="$HOME_DIR/data"
# milvus-lite accepts only [A-Za-z0-9._-] and at most 36 characters for the database file name.
DB_FILE="$DATA_DIR/milvus.db"
LOG="$HOME_DIR/milvus.log"
PID_FILE="$HOME_DIR/milvus.pid"
ADDRESS="${MILVUS_ADDRESS:-127.0.0.1:19530}"
ADDRESS="${ADDRESS#http://}"
ADDRESS="${ADDRESS#https://}"
HOST="${ADDRESS%:*}"
PORT="${ADDRESS##*:}"
LITE_VERSION="2.5.1"
# Fallback named by the issue when milvus-lite cannot be installed: full standalone Milvus in a
# wheel, x86-64 only, speaking the 2.3 protocol (pair it with @zilliz/milvus2-sdk-node 2.3.x).
STANDALONE_VERSION="2.3.9"

log() { printf 'milvus.sh: %s\n' "$*" >&2; }

port_answers() {
  # bash's /dev/tcp needs no extra tool; a refused connection fails at once.
  (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
}

lite_bin() {
  local python="$VENV/bin/python"
  [ -x "$python" ] || return 1
  # Asks the installed package where it lives rather than guessing the site-packages path.
  "$python" - <<'PY' 2>/dev/null
import importlib.util, os
spec = importlib.util.find_spec("milvus_lite")
path = os.path.join(os.path.dirname(spec.origin), "lib", "milvus")
print(path if os.access(path, os.X_OK) else "")
PY
}

cmd_install() {
  mkdir -p "$HOME_DIR"
  local bin
  bin="$(lite_bin || true)"
  if [ -n "$bin" ]; then
    log "milvus-lite is already installed ($bin)"
    return 0
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
  fi
  log "pip install milvus-lite==$LITE_VERSION"
  if "$VENV/bin/pip" install --disable-pip-version-check -q "milvus-lite==$LITE_VERSION"; then
    bin="$(lite_bin || true)"
    [ -n "$bin" ] || { log "milvus-lite installed but its server binary is missing"; exit 1; }
    log "installed: $bin"
    return 0
  fi
  log "milvus-lite==$LITE_VERSION is not available here; falling back to milvus==$STANDALONE_VERSION"
  if [ "$(uname -m)" != "x86_64" ]; then
    log "milvus==$STANDALONE_VERSION ships x86-64 only; run a Milvus server elsewhere and set MILVUS_ADDRESS"
    exit 1
  fi
  "$VENV/bin/pip" install --disable-pip-version-check -q "milvus==$STANDALONE_VERSION"
  log "installed milvus==$STANDALONE_VERSION (listens on 19530; use @zilliz/milvus2-sdk-node 2.3.x with it)"
}

cmd_start() {
  if port_answers; then
    log "already answering on $HOST:$PORT"
    return 0
  fi
  mkdir -p "$DATA_DIR"
  local bin
  bin="$(lite_bin || true)"
  if [ -n "$bin" ]; then
    local lib
    lib="$(dirname "$bin")"
    # Argv as milvus_lite/server.py builds it for a TCP address: <db file> <host:port> <log level>.
    # Without an address it would also take a lock-file path and stop when that lock is released.
    (
      cd "$DATA_DIR"
      LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        exec nohup "$bin" "$DB_FILE" "$HOST:$PORT" "${MILVUS_LOG_LEVEL:-ERROR}" >>"$LOG" 2>&1 </dev/null
    ) &
    echo $! >"$PID_FILE"
  elif [ -x "$VENV/bin/milvus-server" ]; then
    (
      cd "$DATA_DIR"
      exec nohup "$VENV/bin/milvus-server" --data "$DATA_DIR/standalone" >>"$LOG" 2>&1 </dev/null
    ) &
    echo $! >"$PID_FILE"
  else
    log "no Milvus server installed; run: scripts/milvus.sh install"
    exit 1
  fi

  local timeout="${MILVUS_START_TIMEOUT:-60}" waited=0
  while ! port_answers; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      log "the server exited during start; last lines of $LOG:"
      tail -n 20 "$LOG" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if [ "$waited" -ge $((timeout * 10)) ]; then
      log "no answer on $HOST:$PORT after ${timeout}s; see $LOG"
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  log "started (pid $(cat "$PID_FILE")) on $HOST:$PORT, data $DB_FILE, log $LOG"
}

cmd_stop() {
  if [ ! -f "$PID_FILE" ]; then
    if port_answers; then
      log "something answers on $HOST:$PORT but was not started by this script; leaving it alone"
    else
      log "not running"
    fi
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for 10s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "stopped (pid $pid)"
  else
    log "pid $pid was not running"
  fi
  rm -f "$PID_FILE"
}

cmd_status() {
  if port_answers; then
    log "answering on $HOST:$PORT"
  else
    log "nothing answers on $HOST:$PORT"
    exit 1
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: scripts/milvus.sh install|start|stop|status" >&2
    exit 2
    ;;
esac
