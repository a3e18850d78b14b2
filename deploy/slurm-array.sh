#!/usr/bin/env bash
# One svcsim sweep run as 3 shards by a Slurm job array: task I runs shard I/3 into $RESULTS/shard-I.
#
#   bash deploy/slurm-array.sh         # from the repository root: submits the array and a merge job after it
#   sbatch deploy/slurm-array.sh       # the array alone; merge later with
#                                      #   $SVCSIM merge --out $RESULTS/merged $RESULTS/shard-{1,2,3}
#
# A task that fails or is cancelled can be submitted again alone (sbatch --array=2 deploy/slurm-array.sh): it reuses
# the points it finished. svcsim is the built one in this repository (dotnet build Simulator/Simulator.csproj -c
# Release first), or set SVCSIM, for example SVCSIM="apptainer exec svcsim.sif svcsim" with an image built from
# deploy/Containerfile. SVCSIM_OPTIONS adds options to every shard (SVCSIM_OPTIONS="--replications 10"). To use more
# shards, change --array and SHARDS together.
#
#SBATCH --job-name=svcsim-sweep
#SBATCH --array=1-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --output=svcsim-sweep-%A_%a.log
set -euo pipefail

SHARDS=3
cd "${SLURM_SUBMIT_DIR:-$(dirname "${BASH_SOURCE[0]}")/..}"
SCENARIO=${SCENARIO:-Scenarios/worker-crash.yaml}
RESULTS=${RESULTS:-results/sweep-worker-crash}
SVCSIM=${SVCSIM:-dotnet Simulator/bin/Release/net10.0/svcsim.dll}
SVCSIM_OPTIONS=${SVCSIM_OPTIONS:-}

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # Not inside a task: submit the array, then the merge once every task has succeeded.
  array=$(sbatch --parsable --export=ALL "${BASH_SOURCE[0]}")
  shard_dirs=$(for i in $(seq 1 "$SHARDS"); do printf ' %s/shard-%d' "$RESULTS" "$i"; done)
  sbatch --parsable --dependency="afterok:${array}" --job-name=svcsim-merge --output=svcsim-merge-%j.log \
    --wrap="$SVCSIM merge --out $RESULTS/merged$shard_dirs"
  echo "submitted array job $array (shards 1-$SHARDS) and its merge into $RESULTS/merged"
  exit 0
fi

set -f  # SVCSIM and SVCSIM_OPTIONS are split into words on purpose, but not globbed (clients[0].rate=...)
# shellcheck disable=SC2086
exec $SVCSIM sweep "$SCENARIO" $SVCSIM_OPTIONS \
  --param 'clients[0].rate=100/s,200/s,400/s' \
  --param 'controlPlane.nodeMonitorGracePeriod=20s,40s' \
  --parallel "${SLURM_CPUS_PER_TASK:-1}" \
  --quiet \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
  --out "$RESULTS/shard-${SLURM_ARRAY_TASK_ID}"
