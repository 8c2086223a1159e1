"""nbgrader preprocessors the course adds: a cap on the size of each cell's output, plain-language hints after
a test's NameError (autograde), and feedback that shows a hidden test's failure message but never its source.

nbgrader's own ``LimitOutput`` caps the number of lines; a single line of many megabytes still goes into the
autograded notebook and the feedback page. ``LimitOutputSize`` cuts any text output longer than ``max_chars``
characters and drops rich outputs (images, HTML) larger than that. It runs after ``LimitOutput`` and before
``SaveAutoGrades``; the course's ``nbgrader_config.py`` adds it with :func:`autograde_preprocessors`, so
``nbgrader autograde`` and ``ttt grade`` apply it alike.
"""

from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import LimitOutput, NbGraderPreprocessor
from traitlets import Integer

__all__ = ["LimitOutputSize", "TeachingHints", "HideHiddenTests", "autograde_preprocessors",
           "feedback_preprocessors"]


class LimitOutputSize(NbGraderPreprocessor):
    """Cut text outputs longer than ``max_chars`` and drop larger rich outputs."""

    max_chars = Integer(100_000, help="largest output (characters) kept per output of a cell (-1: no limit)"
                        ).tag(config=True)

    def _cut(self, text: str) -> str:
        return text[: self.max_chars] + f"\n... Output cut: {len(text) - self.max_chars:,} more characters ..."

    def preprocess_cell(self, cell, resources, index):
        if self.max_chars < 0 or cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and len(output.text) > self.max_chars:
                output.text = self._cut(output.text)
            elif "data" in output:
                data = output["data"]
                for mime in list(data):
                    value = data[mime]
                    size = len(value) if isinstance(value, str) else len(str(value))
                    if size <= self.max_chars:
                        continue
                    if mime == "text/plain":
                        data[mime] = self._cut(value if isinstance(value, str) else str(value))
                    else:
                        del data[mime]
                if not data:
                    data["text/plain"] = f"... Output removed: larger than {self.max_chars:,} characters ..."
        return cell, resources


_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
_NAME = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


class TeachingHints(NbGraderPreprocessor):
    """After a test cell that failed with ``NameError``, a hint in plain words: the answer was never defined,
    or the cell that defines it was moved below the test (cells run from top to bottom)."""

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not utils.is_grade(cell):
                continue
            for output in list(cell.get("outputs", [])):
                if output.get("output_type") != "error" or output.get("ename") != "NameError":
                    continue
                m = _NAME.search(str(output.get("evalue", "")))
                if not m:
                    continue
                cell.outputs.append(nbformat_stream(hint_for_name(m[1], nb.cells[index + 1:])))
        return nb, resources


def hint_for_name(name: str, later_cells) -> str:
    """The hint after ``NameError: name 'name' is not defined`` (pure: only reads the cells after the test)."""
    defines = re.compile(rf"^\s*(?:def\s+{name}\b|class\s+{name}\b|{name}\s*=|import\s+{name}\b)", re.M)
    if any(c.cell_type == "code" and defines.search(c.source) for c in later_cells):
        return (f"Hint: `{name}` is defined in a cell below this test. Cells run from top to bottom, so the "
                "test ran before your answer existed: move your answer cell back above the test.\n")
    return (f"Hint: `{name}` was never defined when this test ran. Check its spelling (capitals count), that your "
            f"answer assigns it (`{name} = ...` or `def {name}(...)`), and that the cell is not left as "
            "`raise NotImplementedError()`.\n")


def nbformat_stream(text: str):
    from nbformat.v4 import new_output

    return new_output("stream", name="stdout", text=text)


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback shows what a hidden test said, never its code (nbgrader issue #917): the hidden block of each test
    cell is replaced by a line saying so, and tracebacks (which quote the code) are cut to their last line."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not _HIDDEN.search(cell.source):
            return cell, resources
        cell.source = _HIDDEN.sub("# (hidden tests ran here; their messages are below)\n", cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


def autograde_preprocessors() -> list:
    """nbgrader's default autograde preprocessors with :class:`LimitOutputSize` right after ``LimitOutput`` and
    :class:`TeachingHints` after it (the hints are saved with the autograded notebook, so feedback shows them)."""
    from nbgrader.converters import Autograde

    default = list(Autograde.class_traits()["autograde_preprocessors"].default())
    cut = default.index(LimitOutput) + 1
    return default[:cut] + [LimitOutputSize, TeachingHints] + default[cut:]


def feedback_preprocessors() -> list:
    """nbgrader's feedback preprocessors with :class:`HideHiddenTests` first."""
    from nbgrader.converters import GenerateFeedback

    return [HideHiddenTests, *GenerateFeedback.class_traits()["preprocessors"].default()]
