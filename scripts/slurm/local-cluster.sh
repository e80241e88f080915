#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for tests and for trying the Slurm recipes of the
# README ("Running on a cluster"): munged, slurmctld and slurmd from Debian's `slurm-wlm` and
# `munge` packages (installed with apt-get when absent), this host as the controller and the only
# node. Needs root (the daemons run as root, SlurmUser=root). Everything it writes, except the munge
# key and munge's own folders, lives in one state folder (default /tmp/ebjdat-slurm, env
# EBJDAT_SLURM_DIR); the Slurm commands find the configuration through SLURM_CONF.
#
#   eval "$(scripts/slurm/local-cluster.sh start)"   # starts it (if not running) and prints `export SLURM_CONF=…`
#   scripts/slurm/local-cluster.sh status            # sinfo, squeue
#   scripts/slurm/local-cluster.sh stop              # stops the daemons it started
#
# env: EBJDAT_SLURM_DIR (state folder), EBJDAT_SLURM_CPUS (CPUs of the node, default all online).
set -euo pipefail
dir=${EBJDAT_SLURM_DIR:-/tmp/ebjdat-slurm}
conf=$dir/slurm.conf
host=$(hostname -s)
say() { echo "local-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "slurm-wlm and munge are not installed and installing them needs root (apt-get install slurm-wlm munge)."
  command -v apt-get >/dev/null || die "slurm-wlm and munge are not installed and there is no apt-get here; install Slurm and MUNGE with this system's package manager."
  say "installing slurm-wlm and munge with apt-get (a few minutes)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
  install -d -o munge -g munge -m 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  # started by this script: remembered so that `stop` ends this one and no other
  runuser -u munge -- /usr/sbin/munged --force
  for _ in $(seq 50); do [ -f /run/munge/munged.pid ] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$dir/munged.pid"
  munge -n </dev/null | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
}

write_conf() {
  local cpus=${EBJDAT_SLURM_CPUS:-$(nproc)}
  # memory the node offers to jobs: 90 % of this machine's, in MB (Slurm's default is 1 MB)
  local mem=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 9 / 10 / 1024 ))
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  cat >"$conf.tmp" <<EOF
# written by scripts/slurm/local-cluster.sh: a single-node cluster for tests
ClusterName=ebjdat-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
JobRequeue=1
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldTimeout=30
SlurmdTimeout=60
KillWait=10
MinJobAge=3600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
}

start() {
  [ "$(id -u)" = 0 ] || die "the local cluster runs its daemons as root (SlurmUser=root); run this as root."
  install_packages
  mkdir -p "$dir"
  export SLURM_CONF=$conf
  if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
    say "already running ($conf)"
  else
    write_conf
    start_munge
    alive "$dir/slurmctld.pid" || slurmctld -c -f "$conf"   # -c: a fresh state (no jobs of an earlier run)
    alive "$dir/slurmd.pid" || slurmd -f "$conf"
  fi
  for _ in $(seq 120); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      say "up: node $host idle ($(sinfo -h -N -o '%c CPUs, %m MB')); logs in $dir/log"
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  sinfo -N -l >&2 || true
  die "the node did not become idle within 60 s; see $dir/log/slurmctld.log and slurmd.log"
}

stop() {
  export SLURM_CONF=$conf
  local f
  for f in slurmd slurmctld munged; do
    if alive "$dir/$f.pid"; then
      kill "$(cat "$dir/$f.pid")"
      for _ in $(seq 50); do alive "$dir/$f.pid" || break; sleep 0.1; done
      say "stopped $f"
    fi
    rm -f "$dir/$f.pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) export SLURM_CONF=$conf; sinfo -N -l; squeue ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
