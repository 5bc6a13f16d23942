"""dlgrader: a grader for a CS231n-style deep-learning course that never runs student code in its own process."""
__version__ = "0.1.0"
