"""The MCQ workshop: write a multiple-choice item with diagnostic distractors, check it, preview it, save it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..models.mcq import ItemCheck, MCQItem
from ._common import guarded, message_html, status

__all__ = ["MCQWorkshop"]


class MCQWorkshop(widgets.VBox):
    """Write a stem, the right answer and distractors (each with the misconception it diagnoses).

    The item is checked against item-writing rules, previewed in the :class:`~ttt_widgets.Quiz` widget and saved as a
    quiz YAML file that :func:`ttt_widgets.Quiz` (or ``load_file(path, "quizzes")``) reads back.

    Actions callable from Python: :meth:`set`, :meth:`set_distractor`, :meth:`add_row`, :meth:`remove_row`,
    :meth:`check`, :meth:`preview`, :meth:`save`.

    Examples
    --------
    >>> w = MCQWorkshop()
    >>> w.set(stem="Which question invites explanation?", answer="Why might this fail?")
    >>> w.set_distractor(0, "Is this clear?", "Thinks a yes/no check shows understanding")
    >>> w.set_distractor(1, "Any questions?", "Thinks silence means understanding")
    >>> [c.code for c in w.check() if not c.ok]
    []
    """

    def __init__(self, item: MCQItem | None = None, rows: int = 3, **kwargs: Any) -> None:
        self.model = item if item is not None else MCQItem()
        self.quiz = None
        self._rows: list[tuple[widgets.Text, widgets.Text]] = []
        self._build()
        super().__init__(children=[self._title, self._stem, self._answer, self._explanation, self._rows_box,
                                   self._row_buttons, self._buttons, self._status, self._checks, self._preview_box,
                                   self._save_box], **kwargs)
        self.add_class("ttt-mcq-workshop")
        for d in self.model.distractors:
            self.add_row(d.text, d.diagnosis)
        while len(self._rows) < rows:
            self.add_row()
        self._wire()

    # -- build, wire -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        wide = widgets.Layout(width="95%")
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Write a multiple-choice question</h3>")
        self._stem = widgets.Textarea(value=self.model.stem, description="Question", layout=widgets.Layout(width="95%", height="60px"),
                                      placeholder="The question (stem), e.g. What should a trainer do first when ...?")
        self._answer = widgets.Text(value=self.model.answer, description="Right answer", layout=wide)
        self._explanation = widgets.Text(value=self.model.explanation, description="Explanation", layout=wide,
                                         placeholder="Optional: shown after answering")
        self._rows_box = widgets.VBox()
        self._add_row_btn = widgets.Button(description="Add distractor", icon="plus")
        self._row_buttons = widgets.HBox([self._add_row_btn])
        self._check_btn = widgets.Button(description="Check item", button_style="primary")
        self._preview_btn = widgets.Button(description="Preview in quiz")
        self._buttons = widgets.HBox([self._check_btn, self._preview_btn])
        self._status = widgets.HTML()
        self._checks = widgets.HTML()
        self._preview_box = widgets.VBox()
        self._path = widgets.Text(value="my-questions.yaml", description="Save to", layout=widgets.Layout(width="60%"))
        self._save_btn = widgets.Button(description="Save as YAML", icon="save")
        self._save_box = widgets.HBox([self._path, self._save_btn])

    def _wire(self) -> None:
        self._add_row_btn.on_click(lambda _: self.add_row())
        self._check_btn.on_click(lambda _: self.check())
        self._preview_btn.on_click(lambda _: self.preview())
        self._save_btn.on_click(lambda _: self.save())

    def _show_rows(self) -> None:
        boxes = []
        for i, (text, diagnosis) in enumerate(self._rows):
            remove = widgets.Button(description="", icon="trash", tooltip=f"Remove distractor {i + 1}",
                                    layout=widgets.Layout(width="40px"))
            remove.on_click(lambda _, i=i: self.remove_row(i))
            text.description = f"Wrong {i + 1}"
            boxes.append(widgets.HBox([text, diagnosis, remove]))
        self._rows_box.children = boxes

    def _sync(self) -> None:
        """Copy the fields into the model; ValueError (shown as a message) if a field cannot be used."""
        m = self.model
        stem, answer = self._stem.value.strip(), self._answer.value.strip()
        if stem:
            m.set_stem(stem)
        else:
            m.stem = ""
        if answer:
            m.set_answer(answer)
        else:
            m.answer = ""
        from ..models.objectives import clean_text

        m.explanation = clean_text(self._explanation.value, "explanation", required=False)
        fresh = MCQItem()
        for i, (text, diagnosis) in enumerate(self._rows, 1):
            if not text.value.strip():
                if diagnosis.value.strip():
                    raise ValueError(f"Distractor {i} has a diagnosis but no text: write the wrong option too.")
                continue
            fresh.add_distractor(text.value, diagnosis.value)
        m.distractors = list(fresh.distractors)

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> MCQItem:
        return self.model

    def set(self, stem: str | None = None, answer: str | None = None, explanation: str | None = None) -> None:
        """Type into the stem, answer and explanation fields (None leaves a field as it is)."""
        if stem is not None:
            self._stem.value = stem
        if answer is not None:
            self._answer.value = answer
        if explanation is not None:
            self._explanation.value = explanation

    def add_row(self, text: str = "", diagnosis: str = "") -> None:
        """Add an empty (or filled) distractor row."""
        t = widgets.Text(value=text, placeholder="A wrong but tempting answer", layout=widgets.Layout(width="45%"))
        d = widgets.Text(value=diagnosis, placeholder="The misconception behind it", layout=widgets.Layout(width="45%"))
        self._rows.append((t, d))
        self._show_rows()

    @guarded()
    def remove_row(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self._rows):
            raise ValueError(f"There is no distractor row {index!r}.")
        self._rows.pop(index)
        self._show_rows()

    @guarded()
    def set_distractor(self, index: int, text: str, diagnosis: str = "") -> None:
        """Type a distractor and its diagnosis into row ``index`` (rows are added as needed, up to five)."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 5:
            raise ValueError(f"Distractor rows are numbered 0 to 4 (got {index!r}).")
        while len(self._rows) <= index:
            self.add_row()
        self._rows[index][0].value = text
        self._rows[index][1].value = diagnosis

    @guarded()
    def check(self) -> tuple[ItemCheck, ...] | None:
        """Check the item; shows every check with its reason and returns them."""
        self._status.value = ""
        self._sync()
        results = self.model.checks()
        parts = [message_html(c.message, "ok" if c.ok else "warn", "OK:" if c.ok else "To fix:") for c in results]
        self._checks.value = "".join(parts)
        if self.model.ready:
            status(self._status, "The item is ready: preview it or save it.", "ok")
        return results

    @guarded()
    def preview(self):
        """Show the finished item in a quiz (refused with a message while it has problems); returns the Quiz."""
        from .quiz import Quiz

        if self.check() is None:
            return None
        self.quiz = Quiz(self.model.to_quiz())
        self._preview_box.children = [widgets.HTML("<b>Preview</b>"), self.quiz]
        return self.quiz

    @guarded()
    def save(self, path: str | Path | None = None) -> Path | None:
        """Save the item as a quiz YAML file (appended to the file if it exists); returns the path."""
        if path is not None:
            self._path.value = str(path)
        target = self._path.value.strip()
        if not target:
            raise ValueError("Type a file name to save to, e.g. my-questions.yaml.")
        if self.check() is None:
            return None
        saved = self.model.save(target)
        status(self._status, f"Saved to {saved}.", "ok")
        return saved
