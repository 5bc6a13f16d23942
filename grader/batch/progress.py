"""The batch's progress bar: done/total, ETA, running mean score and full-marks rate, errors.

Drawn with rich on stderr when stderr is a terminal; silent otherwise (CI logs get the final line only).
"""
import sys


class Progress:
    def __init__(self, console=None, enabled=None):
        from rich.console import Console
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.bar = None
        self.n = self.points = self.total = self.full = self.errors = 0

    def start(self, todo, already):
        if not self.enabled or not todo:
            return
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        self.bar = Bar(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
                       TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=self.console,
                       transient=False)
        self.bar.start()
        note = " (%d already graded)" % already if already else ""
        self.task = self.bar.add_task("grading", total=todo, stats="starting" + note)

    def advance(self, job, message):
        self.n += 1
        score, top = message.get("score") or 0.0, message.get("max_score") or 0.0
        self.points += score
        self.total += top
        self.full += bool(top) and score >= top
        self.errors += message.get("status") not in ("graded", None)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, stats=self.stats())

    def stats(self):
        mean = 100.0 * self.points / self.total if self.total else 0.0
        return "mean %.0f%% · full marks %d/%d · not graded %d" % (mean, self.full, self.n, self.errors)

    def stop(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def say(text):
    print(text, file=sys.stderr)
