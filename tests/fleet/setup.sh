#!/usr/bin/env bash
# Installs what the fleet tests run on real engines, from Debian's packages, when missing:
# Slurm (slurmctld, slurmd, slurm-client) with munge, OpenSSH's server, cron, and sshfs (a real shared filesystem).
# Prints one line per group: "ok <group>" or "unavailable <group>: <reason>". Never fails the caller.
# Needs root and apt-get; anything else is reported as unavailable, so the tests skip with that reason.
set -u
want_slurm=(slurmctld slurmd sbatch sacct munged)
want_ssh=(/usr/sbin/sshd ssh ssh-keygen)
want_cron=(/usr/sbin/cron crontab)
want_sshfs=(sshfs fusermount3)
have() { for c in "$@"; do if [[ $c == /* ]]; then [[ -x $c ]] || return 1; else command -v "$c" >/dev/null 2>&1 || return 1; fi; done; }
missing=()
have "${want_slurm[@]}" || missing+=(slurmctld slurmd slurm-client munge)
have "${want_ssh[@]}"   || missing+=(openssh-server openssh-client)
have "${want_cron[@]}"  || missing+=(cron)
have "${want_sshfs[@]}" || missing+=(sshfs)
reason=""
if (( ${#missing[@]} )); then
  if ! command -v apt-get >/dev/null 2>&1; then reason="no apt-get on this system (install ${missing[*]} by hand)"
  elif (( EUID != 0 )); then reason="not root, cannot apt-get install ${missing[*]}"
  else
    export DEBIAN_FRONTEND=noninteractive
    # Services must not start on install: the tests start their own, on private ports and folders.
    { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >/tmp/fleet-apt.log 2>&1 \
      || reason="apt-get install ${missing[*]} failed (see /tmp/fleet-apt.log)"
  fi
fi
report() { local g=$1; shift; if have "$@"; then echo "ok $g"; else echo "unavailable $g: ${reason:-missing $*}"; fi; }
report slurm "${want_slurm[@]}"
report ssh "${want_ssh[@]}"
report cron "${want_cron[@]}"
report sshfs "${want_sshfs[@]}"
exit 0
