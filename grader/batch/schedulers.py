"""`--shard auto`: which slice of the class this task grades, read from the scheduler that started it.

Each row is one array-job engine: the variable holding this task's index, and where the number of tasks comes
from (its own variables, or DLGRADER_SHARD_COUNT where the engine does not say). The first row whose index
variable is set wins; the shard is 1-based (I/N), as `--shard I/N` takes it.

| engine | index | count |
|---|---|---|
| explicit (GitHub Actions: `${{ strategy.job-index }}` / `job-total`) | DLGRADER_SHARD_INDEX (0-based) | DLGRADER_SHARD_COUNT |
| Slurm job array (`sbatch --array=0-9` or `1-10`) | SLURM_ARRAY_TASK_ID | SLURM_ARRAY_TASK_COUNT, else MIN/MAX/STEP |
| Kubernetes Indexed Job (`completionMode: Indexed`) | JOB_COMPLETION_INDEX (0-based) | DLGRADER_SHARD_COUNT (= `completions`) |
| Sun/Univa/Son of Grid Engine (`qsub -t 1-10`) | SGE_TASK_ID | SGE_TASK_FIRST/LAST/STEPSIZE |
| AWS Batch array job | AWS_BATCH_JOB_ARRAY_INDEX (0-based) | DLGRADER_SHARD_COUNT (= the array size) |
"""
from dataclasses import dataclass

COUNT = "DLGRADER_SHARD_COUNT"


@dataclass(frozen=True)
class Engine:
    name: str
    index: str                 # this task's index
    base: int | None = 0       # the first index (None: read from `first`)
    first: str | None = None
    last: str | None = None
    step: str | None = None
    count: str | None = COUNT  # the number of tasks (None: from first/last/step)


ENGINES = (
    Engine("DLGRADER_SHARD_INDEX", "DLGRADER_SHARD_INDEX"),
    Engine("Slurm job array", "SLURM_ARRAY_TASK_ID", None, "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
           "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT"),
    Engine("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX"),
    Engine("Grid Engine array job", "SGE_TASK_ID", None, "SGE_TASK_FIRST", "SGE_TASK_LAST", "SGE_TASK_STEPSIZE",
           None),
    Engine("AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX"),
)


class ShardError(ValueError):
    """No usable array index in the environment (the message says what is missing)."""


def _int(environ, name, what):
    text = environ.get(name, "").strip()
    try:
        return int(text)
    except ValueError:
        raise ShardError("%s: %s is %r, not a number" % (what, name, text)) from None


def _set(environ, name):
    """Whether `name` holds a value (Grid Engine sets SGE_TASK_ID to "undefined" outside array jobs)."""
    value = environ.get(name, "").strip()
    return bool(value) and value.lower() != "undefined"


def from_environment(environ):
    """(I, N, engine name) for this task, from `environ`; ShardError when no engine's index is set or its
    numbers do not describe a contiguous array."""
    for engine in ENGINES:
        if not _set(environ, engine.index):
            continue
        what = "--shard auto (%s)" % engine.name
        index = _int(environ, engine.index, what)
        step = _int(environ, engine.step, what) if engine.step and _set(environ, engine.step) else 1
        if step < 1:
            raise ShardError("%s: a step of %d" % (what, step))
        first = engine.base if engine.base is not None else _int(environ, engine.first, what)
        span = None
        if engine.last and _set(environ, engine.last):
            span = (_int(environ, engine.last, what) - first) // step + 1
        if engine.count and _set(environ, engine.count):
            count = _int(environ, engine.count, what)
            if span is not None and span != count:
                raise ShardError("%s: %d tasks from %s to %s, but %s says %d: grade with a contiguous array "
                                 "(e.g. --array=0-%d)" % (what, span, engine.first, engine.last, engine.count, count,
                                                         count - 1))
        elif span is not None:
            count = span
        else:
            raise ShardError("%s: %s=%d, but not how many tasks there are: set %s to their number"
                             % (what, engine.index, index, COUNT))
        i = (index - first) // step
        if count < 1 or (index - first) % step or not 0 <= i < count:
            raise ShardError("%s: index %d is not one of %d tasks from %d in steps of %d"
                             % (what, index, count, first, step))
        return i + 1, count, engine.name
    raise ShardError("--shard auto: no array-job index in the environment (%s)"
                     % ", ".join(e.index for e in ENGINES))
