#!/bin/sh
# Waits until a Kubernetes Job has finished, whether it succeeded or failed, and says which:
#
#   bash deploy/wait-job.sh svcsim-sweep                 # the Job in the current namespace
#   bash deploy/wait-job.sh svcsim-sweep -n sweeps       # anything after the name goes to kubectl
#
# Exit code 0: the Job is Complete. 1: it Failed (the reason, message and failed indexes are printed). 2: it did
# not finish within WAIT_TIMEOUT seconds (default 90000, 25 h: the sweep Job's activeDeadlineSeconds fails it after
# 24 h), or kubectl could not read it six times in a row (no such Job, no cluster). `kubectl wait
# --for=condition=complete` alone would wait out its whole timeout on a Job that failed.
#
# KUBECTL (default kubectl) is the command that is run; WAIT_POLL (default 10) the seconds between two looks.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 JOB [KUBECTL_ARGS...]" >&2; exit 2; }
job=$1
shift
timeout=${WAIT_TIMEOUT:-90000}
poll=${WAIT_POLL:-10}
kubectl=${KUBECTL:-kubectl}
start=$(date +%s)
errors=0
while :; do
  # One line per condition, TYPE=STATUS REASON: MESSAGE, then the failed indexes (an Indexed Job's).
  # shellcheck disable=SC2086
  if state=$($kubectl get job "$job" "$@" -o 'jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}failedIndexes={.status.failedIndexes}' 2>&1); then
    errors=0
    case $state in
      Complete=True* | *"
Complete=True"*)
        echo "job/$job is complete"
        exit 0
        ;;
      Failed=True* | *"
Failed=True"*)
        reason=$(printf '%s\n' "$state" | sed -n 's/^Failed=True //p')
        indexes=$(printf '%s\n' "$state" | sed -n 's/^failedIndexes=//p')
        echo "job/$job failed: $reason${indexes:+ (failed indexes: $indexes)}" >&2
        exit 1
        ;;
    esac
  else
    errors=$((errors + 1))
    if [ "$errors" -ge 6 ]; then
      echo "job/$job: kubectl failed $errors times in a row: $state" >&2
      exit 2
    fi
  fi
  if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
    echo "job/$job has not finished after $timeout s" >&2
    exit 2
  fi
  sleep "$poll"
done
