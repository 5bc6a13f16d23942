"""A grading process for tests of the pool: like grader.batch.child, but it dies on students whose id
contains `crash` and hangs on those containing `hang` (what a grader bug or a stuck library would do)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from grader.batch import child  # noqa: E402

real_grade_job = child.grade_job


def grade_job(job, *args, **kwargs):
    if "crash" in job["student"]:
        os._exit(7)
    if "hang" in job["student"]:
        time.sleep(3600)
    return real_grade_job(job, *args, **kwargs)


child.grade_job = grade_job

if __name__ == "__main__":
    sys.exit(child.main(sys.argv[1:]))
