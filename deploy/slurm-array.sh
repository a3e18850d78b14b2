#!/usr/bin/env bash
# One svcsim sweep as a Slurm job array: array task I of SHARDS runs shard I/SHARDS of the grid into
# $RESULTS/shard-I, and a merge job that starts when the array has ended joins every shard folder there into
# $RESULTS/merged (sweep.csv, sweep_ci.csv, plots, report.html: the bytes one machine would write).
#
#   bash deploy/slurm-array.sh           # from any folder: submits tasks 1-SHARDS and the merge after them
#   bash deploy/slurm-array.sh 2         # submits task 2 again (then a merge): it reuses the points it finished
#   bash deploy/slurm-array.sh 2,4-5     # the same for several tasks (any sbatch --array list)
#
# Settings, from the environment (relative paths are taken from the folder you submit from; logs go there too):
#   SHARDS=3                    array tasks, the N of --shard I/N: the one place the shard count is set
#   SCENARIO=<this repository>/Scenarios/worker-crash.yaml
#   RESULTS=results/sweep-worker-crash
#   SVCSIM="dotnet <this repository>/Simulator/bin/Release/net10.0/svcsim.dll"  (dotnet build -c Release first),
#          or a command such as SVCSIM="apptainer exec svcsim.sif svcsim" with an image of deploy/Containerfile
#   SVCSIM_OPTIONS=             added to every shard, e.g. SVCSIM_OPTIONS="--replications 10"
#
# `sbatch --array=1-3 deploy/slurm-array.sh` submits the array alone (then the task count is the shard count);
# resubmitting one task that way needs SHARDS set: SHARDS=3 sbatch --array=2 deploy/slurm-array.sh.
# The merge job fails, naming the first missing point, when a task did not finish: resubmit that task.
#
#SBATCH --job-name=svcsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --output=svcsim-sweep-%A_%a.log
set -euo pipefail

fail() { printf 'slurm-array.sh: %s\n' "$*" >&2; exit 2; }

# The repository: where this file is. Inside a job, bash runs Slurm's copy of it, so the submission passes the
# place on as SVCSIM_HOME; a job submitted with plain sbatch asks Slurm which file was submitted, from where.
if [ -z "${SVCSIM_HOME:-}" ]; then
  script=${BASH_SOURCE[0]}
  if [ -n "${SLURM_JOB_ID:-}" ]; then
    script=$(scontrol show job "$SLURM_JOB_ID" | sed -n 's/^ *Command=\([^ ]*\).*/\1/p' | head -n 1)
    case $script in /*) ;; *) script="${SLURM_SUBMIT_DIR:-.}/$script" ;; esac
  fi
  SVCSIM_HOME=$(cd "$(dirname "$script")/.." && pwd) || fail "cannot find the repository from $script; set SVCSIM_HOME"
fi
SCENARIO=${SCENARIO:-$SVCSIM_HOME/Scenarios/worker-crash.yaml}
RESULTS=${RESULTS:-results/sweep-worker-crash}
SVCSIM=${SVCSIM:-dotnet $SVCSIM_HOME/Simulator/bin/Release/net10.0/svcsim.dll}
SVCSIM_OPTIONS=${SVCSIM_OPTIONS:-}

if [ -z "${SLURM_JOB_ID:-}" ]; then
  # Not in a job: submit the array, then the merge once every task of it has ended (succeeded or not: the merge
  # says which points are missing).
  SHARDS=${SHARDS:-3}
  case $SHARDS in '' | 0* | *[!0-9]*) fail "SHARDS=$SHARDS: expected a whole number of at least 1" ;; esac
  [ $# -le 1 ] || fail "usage: bash $0 [TASKS]   (TASKS: array tasks to submit, e.g. 2 or 1,3; default 1-$SHARDS)"
  tasks=${1:-1-$SHARDS}
  # Absolute paths, so that the tasks and the merge agree whatever folder they start in.
  RESULTS=$(realpath -m -- "$RESULTS")
  SCENARIO=$(realpath -m -- "$SCENARIO")
  [ -f "$SCENARIO" ] || fail "SCENARIO=$SCENARIO: no such file"
  export SVCSIM_HOME SHARDS SCENARIO RESULTS SVCSIM SVCSIM_OPTIONS
  self=$(realpath -- "${BASH_SOURCE[0]}")
  array=$(sbatch --parsable --export=ALL --array="$tasks" "$self")
  array=${array%%;*}
  merge=$(SVCSIM_STEP=merge sbatch --parsable --export=ALL --dependency="afterany:$array" --job-name=svcsim-merge \
    --cpus-per-task=1 --output=svcsim-merge-%j.log "$self")
  merge=${merge%%;*}
  echo "submitted array job $array (tasks $tasks of $SHARDS) and merge job $merge into $RESULTS/merged"
  exit 0
fi

set -f  # SVCSIM and SVCSIM_OPTIONS are split into words on purpose, but not globbed (clients[0].rate=...)
if [ "${SVCSIM_STEP:-}" = merge ]; then
  # Every shard folder present; svcsim merge refuses folders of another sweep and names the points missing.
  set +f
  shards=("$RESULTS"/shard-*)
  set -f
  [ -e "${shards[0]}" ] || { echo "no shard folder in $RESULTS" >&2; exit 1; }
  # shellcheck disable=SC2086
  exec $SVCSIM merge --out "$RESULTS/merged" "${shards[@]}"
fi

[ -n "${SLURM_ARRAY_TASK_ID:-}" ] || fail "not an array task: submit with bash $0, or sbatch --array=1-N"
SHARDS=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-}}
# shellcheck disable=SC2086
exec $SVCSIM sweep "$SCENARIO" $SVCSIM_OPTIONS \
  --param 'clients[0].rate=100/s,200/s,400/s' \
  --param 'controlPlane.nodeMonitorGracePeriod=20s,40s' \
  --parallel "${SLURM_CPUS_PER_TASK:-1}" \
  --quiet \
  --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" \
  --out "$RESULTS/shard-$SLURM_ARRAY_TASK_ID"
