"""A Jupyter notebook per assignment, generated from its stubs and README.

    nb = make_notebook("knn", "assignments/knn")      # nbformat 4 NotebookNode
    nb = paste(nb, "reference/knn")                    # the graded cells filled from a solution folder (tests)

Layout: the task (the README, one markdown cell per section), then per stub module a markdown cell with its
docstring, a graded cell with its imports and constants, and one graded cell per function or class (tagged
`graded`, with `metadata.dlgrader = {"module", "symbol"}`), then a cell that runs the public checks on the
saved notebook. The modules of an assignment share the notebook's namespace, so imports between them
(`from .conv import conv_forward`) are left out: the earlier cell defines the name.
"""
import ast
import os

import nbformat
from nbformat import v4

TAG = "graded"

INTRO = """Write your code in the cells tagged **graded** (in Jupyter: View → Cell Toolbar → Tags; in JupyterLab:
the property inspector). The grader reads only *definitions* from those cells — functions, classes, imports
and constants — from the **saved** notebook: experiments in other cells never run at grading time, and the
order in which you ran cells does not matter. A function that uses a global defined only in an untagged cell
works when that cell is a plain definition (a constant, an import, a function), not when it computes it
(`data = load(...)`): then define it in a graded cell or pass it as an argument."""

INTRO_FA = """<div dir="rtl" lang="fa">

کد خود را در سلول‌هایی بنویسید که برچسب **graded** دارند. نمره‌دهنده فقط *تعریف‌ها* را از این سلول‌ها و از
نسخهٔ **ذخیره‌شدهٔ** دفترچه می‌خواند (تابع، کلاس، import و ثابت‌ها)؛ آزمایش‌های سلول‌های دیگر هنگام نمره‌دهی اجرا
نمی‌شوند و ترتیب اجرای سلول‌ها اهمیتی ندارد. اگر تابعی از متغیری سراسری استفاده کند که فقط در سلولی بدون برچسب
تعریف شده است، آن سلول باید یک تعریف ساده باشد (ثابت، import یا تابع)، نه محاسبه‌ای مثل `data = load(...)`.
برای بازخورد فارسی در آخرین سلول `lang="fa"` بنویسید.

</div>"""

SETUP = """# Setup (not graded): makes the course's grader importable from this folder.
import os, sys
if os.path.isdir(os.path.join("..", "grader")) and os.path.abspath("..") not in sys.path:
    sys.path.insert(0, os.path.abspath(".."))"""

CHECK = """# Save the notebook first (Ctrl+S): the checks read the saved file, as the grader will.
from grader.studentkit.check import check_notebook
check_notebook({name!r}, {file!r}, lang="en")   # lang="fa": feedback in Persian"""


class NotebookBuildError(Exception):
    pass


def modules_in_order(folder):
    """[(module name, source)] of the folder's .py files, each after the siblings it imports."""
    sources = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                sources[name[:-3]] = f.read()
    deps = {m: {n.module.split(".")[0] for n in ast.walk(ast.parse(src))
                if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module} & set(sources)
            for m, src in sources.items()}
    order, seen = [], set()

    def visit(m, path=()):
        if m in path:
            raise NotebookBuildError("circular imports between %s" % " -> ".join(path + (m,)))
        if m not in seen:
            for d in sorted(deps[m]):
                visit(d, path + (m,))
            seen.add(m)
            order.append(m)
    for m in sorted(sources, key=lambda m: (m == "__init__", m)):
        visit(m)
    return [(m, sources[m]) for m in order]


def split_module(source):
    """(docstring, header, [(symbol, source)], footer): the module's docstring; its imports and constants
    before the first definition, without relative imports; each top-level function or class with the comments
    just above it; the statements after the first definition that are not definitions (tables of classes...)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    doc = ast.get_docstring(tree) or ""
    header, defs, footer = [], [], []
    body = tree.body[1:] if doc and tree.body and isinstance(tree.body[0], ast.Expr) else tree.body
    for node in body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        text = "\n".join(lines[start - 1:node.end_lineno])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.append((node.name, text))
        elif isinstance(node, ast.ImportFrom) and node.level:
            continue                              # a sibling module: defined earlier in the notebook
        else:
            (footer if defs else header).append(text)
    return doc, "\n".join(header), defs, "\n".join(footer)


def readme_cells(readme):
    """The README as markdown cells, one per `## ` section."""
    sections, current = [], []
    for line in readme.splitlines():
        if line.startswith("## ") and current:
            sections.append("\n".join(current).strip())
            current = []
        current.append(line)
    sections.append("\n".join(current).strip())
    return [v4.new_markdown_cell(s) for s in sections if s]


def graded_cell(source, module, symbol=None, part="header"):
    meta = {"tags": [TAG], "dlgrader": {"module": module, "symbol": symbol} if symbol else
            {"module": module, "part": part}}
    return v4.new_code_cell(source, metadata=meta)


def make_notebook(name, folder, title=None):
    readme_path = os.path.join(folder, "README.md")
    readme = open(readme_path, encoding="utf-8").read() if os.path.exists(readme_path) else "# %s" % name
    cells = [v4.new_markdown_cell("%s\n\n%s" % ("# " + title if title else "", INTRO)),
             v4.new_markdown_cell(INTRO_FA), v4.new_code_cell(SETUP)] + readme_cells(readme)
    defined = {}
    for module, source in modules_in_order(folder):
        doc, header, defs, footer = split_module(source)
        if module == "__init__" and not defs and not header.strip():
            continue
        cells.append(v4.new_markdown_cell("## `%s.py`\n\n%s" % (module, doc)))
        cells.append(graded_cell(header if header.strip() else "# imports, constants and helpers of %s.py" % module,
                                 module))
        for symbol, text in defs:
            if symbol in defined and defined[symbol] != module:
                raise NotebookBuildError("%s: `%s` is defined in both %s.py and %s.py; one notebook namespace "
                                         "cannot hold both" % (name, symbol, defined[symbol], module))
            defined[symbol] = module
            cells.append(graded_cell(text, module, symbol))
        if footer.strip():
            cells.append(graded_cell(footer, module, part="footer"))
    cells.append(v4.new_markdown_cell("## Check your work\n\nThe public checks, on the saved notebook. Hidden "
                                      "checks run at grading time on other inputs."))
    cells.append(v4.new_code_cell(CHECK.format(name=name, file=name + ".ipynb")))
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}, "dlgrader": {"assignment": name}})
    nbformat.validate(nb)
    return nb


def paste(nb, folder):
    """A copy of `nb` whose graded cells hold the definitions of the solution in `folder` (same modules).

    Definitions the solution has and the stubs do not (helpers) go into their module's header cell; the
    solution's statements after its definitions into the footer cell, or after the module's last cell."""
    nb = nbformat.from_dict(nb)
    solution = {m: split_module(src) for m, src in modules_in_order(folder)}
    cells_for, last = {}, {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("dlgrader")
        if meta:
            last[meta["module"]] = cell
            if meta.get("symbol"):
                cells_for.setdefault(meta["module"], set()).add(meta["symbol"])
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("dlgrader")
        if not meta or meta["module"] not in solution:
            continue
        _, header, defs, footer = solution[meta["module"]]
        if meta.get("symbol"):
            cell.source = dict(defs).get(meta["symbol"], "")
        elif meta.get("part") == "footer":
            cell.source = footer
        else:
            extra = [text for symbol, text in defs if symbol not in cells_for.get(meta["module"], ())]
            cell.source = "\n\n".join([header] + extra)
        if cell is last[meta["module"]] and meta.get("part") != "footer" and footer.strip():
            cell.source += "\n\n" + footer
    return nb
