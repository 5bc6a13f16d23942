"""`python -m grader ...` is `dlgrader ...` (the student kit works without installing)."""
import sys

from .cli import main

sys.exit(main())
