"""One nbgrader preprocessor the course adds to autograde: a cap on the size of each cell's output.

nbgrader's own ``LimitOutput`` caps the number of lines; a single line of many megabytes still goes into the
autograded notebook and the feedback page. ``LimitOutputSize`` cuts any text output longer than ``max_chars``
characters and drops rich outputs (images, HTML) larger than that. It runs after ``LimitOutput`` and before
``SaveAutoGrades``; the course's ``nbgrader_config.py`` adds it with :func:`autograde_preprocessors`, so
``nbgrader autograde`` and ``ttt grade`` apply it alike.
"""

from __future__ import annotations

from nbgrader.preprocessors import LimitOutput, NbGraderPreprocessor
from traitlets import Integer

__all__ = ["LimitOutputSize", "autograde_preprocessors"]


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


def autograde_preprocessors() -> list:
    """nbgrader's default autograde preprocessors with :class:`LimitOutputSize` right after ``LimitOutput``."""
    from nbgrader.converters import Autograde

    default = list(Autograde.class_traits()["autograde_preprocessors"].default())
    return default[: default.index(LimitOutput) + 1] + [LimitOutputSize] + default[default.index(LimitOutput) + 1:]
