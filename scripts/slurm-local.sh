#!/usr/bin/env bash
# A single-node Slurm cluster on this machine for tests and trials of `qsq sweep --executor slurm`:
# munged with its own key and socket, slurmctld and slurmd with their own slurm.conf, state, spool,
# pid and log files, all in one directory, on 127.0.0.1 and unprivileged ports only. Needs
# Debian's slurm-wlm and munge, and root (slurmd runs jobs as their users). Nothing of the
# system's own Slurm or munge configuration is read or changed.
#
#   scripts/slurm-local.sh start    # prints the SLURM_CONF to export (also in DIR/env)
#   scripts/slurm-local.sh status   # exit 0 when the node is up
#   scripts/slurm-local.sh stop     # stops the daemons started here (by their pid files)
#
# DIR is $QSQ_SLURM_DIR, default ${TMPDIR:-/tmp}/qsq-slurm-local; ports $QSQ_SLURM_PORT (slurmctld,
# default 16817) and that + 1 (slurmd).
set -euo pipefail

dir=${QSQ_SLURM_DIR:-${TMPDIR:-/tmp}/qsq-slurm-local}
port=${QSQ_SLURM_PORT:-16817}
host=$(hostname -s)
export SLURM_CONF="$dir/slurm.conf"
log() { printf '[slurm-local] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # pid file, name
  if alive "$1"; then
    local pid; pid=$(cat "$1")
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    log "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}

node_up() { sinfo -h -n "$host" -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated|completing)'; }

start() {
  for t in munged slurmctld slurmd sbatch; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || die "$t is missing (Debian: apt-get install slurm-wlm munge)"
  done
  [ "$(id -u)" -eq 0 ] || die "slurmd must run as root to start jobs (this user is $(id -un))"
  if node_up; then log "already running ($SLURM_CONF)"; echo "export SLURM_CONF=$SLURM_CONF"; return 0; fi
  mkdir -p "$dir"/{state,spool,munge}
  chmod 700 "$dir/munge"
  # munge: a key of our own, and a socket no other munged uses.
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
  fi
  local sock="$dir/munge/munge.socket"
  if ! alive "$dir/munge/munged.pid"; then
    /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$sock" --pid-file="$dir/munge/munged.pid" \
      --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  fi
  munge -n --socket="$sock" | unmunge --socket="$sock" >/dev/null || die "munge does not work (see $dir/munge/munged.log)"
  cat > "$SLURM_CONF" <<CONF
# Written by scripts/slurm-local.sh: a one-node cluster on 127.0.0.1 for qsq's tests.
ClusterName=qsqlocal
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=60
# Tasks keep the nice value of the sbatch that submitted them (a shared machine: nice -n 10 qsq sweep).
PropagatePrioProcess=1
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  /usr/sbin/slurmctld -c -f "$SLURM_CONF" || die "slurmctld did not start (see $dir/slurmctld.log)"
  /usr/sbin/slurmd -f "$SLURM_CONF" -N "$host" || die "slurmd did not start (see $dir/slurmd.log)"
  for _ in $(seq 100); do node_up && break; sleep 0.2; done
  node_up || die "the node did not come up within 20 s (see $dir/slurmctld.log and $dir/slurmd.log)"
  echo "export SLURM_CONF=$SLURM_CONF" > "$dir/env"
  log "up: node $host, $(nproc) CPUs, slurmctld on 127.0.0.1:$port"
  echo "export SLURM_CONF=$SLURM_CONF"
}

stop() {
  # Cancel the jobs first: with proctrack/linuxproc, tasks outlive a stopped slurmd (seen here:
  # a sweep's point processes went on running after the daemons were gone).
  if node_up; then
    local jobs; jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// }" ]; then
      log "cancelling jobs $jobs"
      # shellcheck disable=SC2086
      scancel $jobs || true
      for _ in $(seq 100); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.2; done
    fi
  fi
  stop_pid "$dir/slurmd.pid" slurmd
  stop_pid "$dir/slurmctld.pid" slurmctld
  stop_pid "$dir/munge/munged.pid" munged
}

status() {
  if node_up; then log "up: $(sinfo -h -o '%P %D %T %C' 2>/dev/null)"; echo "export SLURM_CONF=$SLURM_CONF"; return 0; fi
  log "not running"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
