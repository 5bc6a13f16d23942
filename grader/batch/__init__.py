"""Batch grading: a class at once (inputs -> pool of trusted grading processes -> OUTDIR -> gradebook).

inputs.py  find students in a folder, .zip, Canvas or Gradescope export     store.py  OUTDIR layout, records
pool.py    N grading processes, crash- and timeout-proof                     child.py  one grading process
run.py     run_batch / finalize / merge                                      progress.py  the progress bar
"""
