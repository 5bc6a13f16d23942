#!/bin/bash
# Queue a sharded grading of a class on Slurm: SHARDS array tasks (grade.sbatch), then the merge (merge.sbatch)
# once every task has ended.   DLGRADER_INPUT=... DLGRADER_OUT=... DLGRADER_COURSE=... ci/slurm/submit.sh 10
set -euo pipefail
SHARDS="${1:-10}"
HERE="$(cd "$(dirname "$0")" && pwd)"
: "${DLGRADER_INPUT:?}" "${DLGRADER_OUT:?}"
mkdir -p "$DLGRADER_OUT"
ARRAY=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" "$HERE/grade.sbatch")
ARRAY="${ARRAY%%;*}"   # "jobid;cluster" on multi-cluster installations
sbatch --parsable --export=ALL --dependency="afterany:$ARRAY" "$HERE/merge.sbatch"
echo "array job $ARRAY: $SHARDS shard(s) into $DLGRADER_OUT/shard-*; the gradebook: $DLGRADER_OUT/gradebook"
