# shellcheck shell=bash
# Shared helpers for the local service scripts. Sourced, never run.
# Everything goes to stderr except what a command is meant to print (`env`), so that
# `eval "$(bash infra/local/services.sh env)"` only ever sees export lines.

# shellcheck disable=SC2034 # used by the scripts that source this file
LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${TRADEOPS_LOCAL_STATE:-$HOME/.cache/tradeops-local}"

log() { printf '[%s] %s\n' "${SERVICE:-services}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${SERVICE:-services}" "$*" >&2
  exit 1
}

ensure_state() { mkdir -p "$STATE"; }

# One lock per service: two callers starting or stopping the same service at once (CI and a
# developer's shell, or two test runners) would otherwise race on the pid file and the data dir.
take_lock() {
  ensure_state
  exec 9>"$STATE/$1.lock"
  flock -w 600 9 || die "another services.sh call held $STATE/$1.lock for 10 minutes"
}

# True when the pid file names a live process whose command line contains $2: after a machine
# stop the file survives while the number may have been reused by something else.
pid_alive() {
  local file="$1" pattern="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern"
}

# Sends TERM, waits up to $3 seconds, then KILL. Removes the pid file either way.
stop_pid() {
  local file="$1" pattern="$2" timeout="${3:-30}" pid waited=0
  if ! pid_alive "$file" "$pattern"; then
    rm -f "$file"
    return 0
  fi
  pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < timeout)); do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored TERM for ${timeout}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$file"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Polls "$@" (a command) once a second until it succeeds or $1 seconds pass.
wait_until() {
  local timeout="$1" waited=0
  shift
  until "$@" >/dev/null 2>&1; do
    ((waited >= timeout)) && return 1
    sleep 1
    waited=$((waited + 1))
  done
}

wait_for_port() { wait_until "$3" port_open "$1" "$2"; }

# Installs Debian packages that are missing. The package lists may be absent on a fresh
# machine, so a failed install is retried once after `apt-get update`; a second failure stops
# everything with apt's own message rather than leaving a half-working service behind.
apt_ensure() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  log "installing ${missing[*]} with apt-get"
  if DEBIAN_FRONTEND=noninteractive "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >"$STATE/apt.log" 2>&1; then
    return 0
  fi
  log "apt-get install failed; running apt-get update and retrying"
  if ! "${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update >>"$STATE/apt.log" 2>&1 ||
    ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" "${apt[@]}" install "${missing[@]}" >>"$STATE/apt.log" 2>&1; then
    tail -n 20 "$STATE/apt.log" >&2
    die "apt-get could not install: ${missing[*]} (full output: $STATE/apt.log)"
  fi
}
