"""Turn a Jupyter notebook into one module of definitions, without trusting the notebook's state.

Cells tagged `graded` (or `solution`) are taken if any exist, all code cells otherwise. IPython magics and
shell lines (`%`, `%%`, `!`) are dropped. From the remaining code only definitions are kept — imports,
functions, classes and assignments of constants — so the notebook's execution order and leftover state
never matter, and no top-level experiment (training loops, plots) runs at grading time.
"""
import ast
import json

GRADED_TAGS = {"graded", "solution", "autograded"}


class NotebookError(Exception):
    pass


def notebook_to_module(path):
    """Return (python source, notes for the student)."""
    from .submission import SubmissionError
    import nbformat
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(50 * 1024 * 1024 + 1)
        if len(text) > 50 * 1024 * 1024:
            raise SubmissionError("the notebook is larger than 50 MiB; clear its outputs and submit again")
        raw = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if text.lstrip().startswith(("import", "def", "from", "#", "class")):
            raise SubmissionError("%s is named .ipynb but is a Python file; rename it to .py"
                                  % path.rsplit("/", 1)[-1])
        raise SubmissionError("the notebook is not valid JSON (%s); open it in Jupyter, save, and submit again"
                              % str(exc)[:120])
    if not isinstance(raw, dict) or "cells" not in raw:
        raise SubmissionError("the file is JSON but not a Jupyter notebook (no 'cells')")
    try:
        nb = nbformat.from_dict(raw)
        if nb.get("nbformat", 4) < 4:
            nb = nbformat.convert(nb, 4)
    except Exception as exc:  # nbformat raises many kinds on broken notebooks
        raise SubmissionError("the notebook could not be read (%s)" % str(exc)[:200])
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    tagged = [c for c in cells if GRADED_TAGS & set(c.get("metadata", {}).get("tags", []))]
    chosen = tagged or cells
    notes = []
    parts = []
    for n, cell in enumerate(chosen):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        kept, dropped = definitions_of(strip_magics(source))
        if kept:
            parts.append("# --- cell %d\n%s" % (n + 1, kept))
        if dropped:
            notes.append("cell %d: %d top-level statement(s) that are not definitions were ignored" % (n + 1, dropped))
    return "\n\n".join(parts) + "\n", notes


def strip_magics(source):
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        return ""  # a cell magic: the whole cell is not Python
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def definitions_of(source):
    """Keep imports, defs, classes and plain assignments; return (source, number of statements dropped)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, 0  # keep it: the worker's import then reports the syntax error with its line
    kept, dropped = [], 0
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                or (isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
                    and is_plain(node.value)):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[start - 1:node.end_lineno]))
        else:
            dropped += 1
    return "\n".join(kept), dropped


PLAIN_CALLS = {"np.array", "np.asarray", "np.zeros", "np.ones", "np.arange", "np.linspace", "np.eye", "np.full",
               "np.float32", "np.float64", "np.int64", "float", "int", "str", "bool", "dict", "list", "tuple",
               "set", "frozenset", "range", "numpy.array", "numpy.zeros", "numpy.ones"}


def is_plain(value):
    """A constant-like value (literals, names, arithmetic, a few constructors): safe and cheap to re-run.
    Anything that calls the student's functions or loads data is an experiment, not a definition."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            func = node.func
            parts = []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if not isinstance(func, ast.Name) or ".".join([func.id] + parts[::-1]) not in PLAIN_CALLS:
                return False
        elif isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
    return True
