"""The objective builder: write an objective part by part (ABCD), see live feedback and its Bloom level."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..models.objectives import BLOOM_LEVELS, ObjectiveAnalysis, ObjectiveDraft, clean_text
from ..live._safe import text_html
from ._common import esc, guarded, message_html, status

__all__ = ["ObjectiveBuilder", "ladder_html"]

_PARTS = (
    ("audience", "Audience", "Who? e.g. New trainers"),
    ("behaviour", "Behaviour", "Verb + task, e.g. write three open questions"),
    ("condition", "Condition", "Optional: e.g. given a lesson plan"),
    ("degree", "Degree", "How well? e.g. that the question coach rates open"),
)


def ladder_html(level: str | None) -> str:
    """Bloom's six levels as a ladder, highest on top; the level found is marked in words and colour."""
    rows = []
    for i, lv in reversed(list(enumerate(BLOOM_LEVELS, 1))):
        here = lv == level
        style = ("background:#0072B2;color:#fff;font-weight:bold" if here else "background:#f2f2f2;color:#222")
        mark = " &#9664; this objective" if here else ""
        rows.append(f'<div style="{style};padding:2px 8px;margin:1px 0;border-radius:3px;width:{8 + 2 * i}em">'
                    f"{i}. {lv.capitalize()}{mark}</div>")
    caption = ("Bloom level: " + level) if level else "Bloom level: none yet (no measurable verb)"
    return (f'<div role="img" aria-label="{esc(caption)}"><div style="font-size:0.9em;margin-bottom:2px">'
            f"{esc(caption)}</div>{''.join(rows)}</div>")


class ObjectiveBuilder(widgets.VBox):
    """Build a learning objective from Audience, Behaviour, Condition and Degree, with live feedback.

    Every action can be called from Python: :meth:`set`, :meth:`keep`, :meth:`remove`, :meth:`export_markdown`.

    Examples
    --------
    >>> b = ObjectiveBuilder()
    >>> b.set(audience="New trainers", behaviour="write three open questions", degree="without errors")
    >>> b.analysis.bloom_level
    'apply'
    >>> _ = b.keep(); b.model.kept
    ['New trainers will be able to write three open questions without errors.']
    """

    def __init__(self, model: ObjectiveDraft | None = None, **kwargs: Any) -> None:
        self.model = model if model is not None else ObjectiveDraft()
        self.analysis: ObjectiveAnalysis | None = None
        self._build()
        super().__init__(children=[self._title, self._form, self._sentence_box, self._body, self._buttons,
                                   self._status, self._kept_box, self._markdown], **kwargs)
        self.add_class("ttt-objective-builder")
        self._wire()
        self._refresh()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._title = widgets.HTML("<h3 style='margin:4px 0'>Objective builder (ABCD)</h3>")
        self._fields: dict[str, widgets.Text] = {}
        self._hints: dict[str, widgets.HTML] = {}
        rows = []
        for name, label, placeholder in _PARTS:
            field = widgets.Text(value=getattr(self.model, name), description=label, placeholder=placeholder,
                                 layout=widgets.Layout(width="60%"), style={"description_width": "90px"})
            hint = widgets.HTML(layout=widgets.Layout(width="40%"))
            self._fields[name], self._hints[name] = field, hint
            rows.append(widgets.HBox([field, hint]))
        self._form = widgets.VBox(rows)
        # a Label never wraps (the sentence ran off the right edge); a read-only text area wraps and stays plain text
        self._sentence = widgets.Textarea(disabled=True, rows=2, layout=widgets.Layout(width="100%", flex="1 1 auto"))
        self._sentence_box = widgets.VBox([widgets.HTML("<b>Your objective:</b>"), self._sentence],
                                          layout=widgets.Layout(width="100%"))
        self._ladder = widgets.HTML()
        self._problems = widgets.HTML(layout=widgets.Layout(width="60%"))
        self._body = widgets.HBox([self._problems, self._ladder])
        self._keep_btn = widgets.Button(description="Keep this objective", button_style="primary",
                                        tooltip="Copy the finished objective to your list", layout=widgets.Layout(width="auto"))
        self._export_btn = widgets.Button(description="Export as Markdown", tooltip="Show your list as Markdown",
                                          layout=widgets.Layout(width="auto"))
        self._buttons = widgets.HBox([self._keep_btn, self._export_btn], layout=widgets.Layout(flex_flow="row wrap"))
        self._status = widgets.HTML()
        self._kept_box = widgets.VBox()
        self._markdown = widgets.Textarea(layout=widgets.Layout(width="100%", height="120px", display="none"),
                                          description="Markdown")

    def _wire(self) -> None:
        for name, field in self._fields.items():
            field.observe(lambda change, n=name: self._on_field(n, change["new"]), names="value")
        self._keep_btn.on_click(lambda _: self.keep())
        self._export_btn.on_click(lambda _: self.export_markdown())

    @guarded()
    def _on_field(self, name: str, value: str) -> None:
        setattr(self.model, name, value)
        self._refresh()

    def _refresh(self) -> None:
        self._status.value = ""
        text = self.model.text or "(start with the behaviour: a verb and a task)"
        self._sentence.value = text
        self._sentence.rows = max(2, min(6, len(text) // 70 + 1))
        try:
            for name, label, _ in _PARTS:
                clean_text(getattr(self.model, name), label.lower(), required=False)
            analysis = analyze_or_none(self.model)
        except ValueError as exc:
            self.analysis = None
            self._problems.value = message_html(str(exc), "error", "Please check:")
            self._ladder.value = ladder_html(None)
            return
        self.analysis = analysis
        self._show_hints(analysis)
        self._ladder.value = ladder_html(analysis.bloom_level if analysis else None)
        if analysis is None:
            self._problems.value = message_html("Type the behaviour: an action verb and what it acts on.", "info")
        elif analysis.problems:
            self._problems.value = "".join(message_html(p, "warn", "To improve:") for p in analysis.problems)
        else:
            self._problems.value = message_html("Measurable, with audience and criterion.", "ok", "Good:")
        self._keep_btn.disabled = not (analysis and analysis.measurable)

    def _show_hints(self, a: ObjectiveAnalysis | None) -> None:
        m = self.model
        hints = {}
        hints["audience"] = (("ok", "Audience given.") if m.audience.strip() else ("warn", "Missing: who will do it?"))
        if a is None or not m.behaviour.strip():
            hints["behaviour"] = ("info", "Start with an action verb.")
        elif a.verb and not a.measurable:
            hints["behaviour"] = ("error", f"'{a.verb}' cannot be observed: use a verb you could see or hear.")
        elif a.verb:
            hints["behaviour"] = ("ok", f"Verb '{a.verb}': {a.bloom_level}.")
        else:
            hints["behaviour"] = ("error", "No action verb found at the start.")
        hints["condition"] = (("ok", "Condition given.") if m.condition.strip()
                              else ("info", "Optional: the circumstances of the performance."))
        if a is not None and a.degree:
            hints["degree"] = ("ok", f"Criterion found: '{a.degree}'.")
        elif m.degree.strip():
            hints["degree"] = ("warn", "Not a measurable criterion yet: add a number, a time or a standard.")
        else:
            hints["degree"] = ("warn", "Missing: how well is well enough?")
        for name, (tone, text) in hints.items():
            label = {"ok": "OK", "warn": "Check", "error": "Fix", "info": "Tip"}[tone]
            self._hints[name].value = message_html(text, tone, f"{label}:")

    def _show_kept(self) -> None:
        rows = []
        for i, text in enumerate(self.model.kept):
            remove = widgets.Button(description="Remove", tooltip=f"Remove objective {i + 1}",
                                    layout=widgets.Layout(width="auto", flex="0 0 auto"))
            remove.on_click(lambda _, i=i: self.remove(i))
            # the trainee's sentence wraps (a Label ran off the right edge) and is escaped, untouched by MathJax
            sentence = widgets.HTML(text_html(f"{i + 1}. {text}"), layout=widgets.Layout(flex="1 1 auto", width="auto"))
            rows.append(widgets.HBox([sentence, remove], layout=widgets.Layout(align_items="center")))
        head = widgets.HTML(f"<b>Your objectives ({len(rows)})</b>") if rows else widgets.HTML("")
        self._kept_box.children = [head, *rows]

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> str:
        """The objective as assembled from the four parts."""
        return self.model.text

    def set(self, audience: str | None = None, behaviour: str | None = None, condition: str | None = None,
            degree: str | None = None) -> None:
        """Type into the fields, as a trainee would (None leaves a field as it is)."""
        for name, value in (("audience", audience), ("behaviour", behaviour), ("condition", condition), ("degree", degree)):
            if value is not None:
                self._fields[name].value = value

    @guarded()
    def keep(self) -> ObjectiveAnalysis | None:
        """Copy the objective to the list (refused with a message if not measurable or already there)."""
        result = self.model.keep()
        self._show_kept()
        status(self._status, f"Kept ({result.bloom_level}). You have {len(self.model.kept)} objective(s).", "ok")
        return result

    @guarded()
    def remove(self, index: int) -> str | None:
        removed = self.model.remove(index)
        self._show_kept()
        status(self._status, "Removed one objective.", "info")
        return removed

    def export_markdown(self, title: str = "My learning objectives") -> str:
        """Your kept objectives as Markdown (also shown in a text box)."""
        text = self.model.to_markdown(title)
        self._markdown.value = text
        self._markdown.layout.display = None
        return text


def analyze_or_none(model: ObjectiveDraft) -> ObjectiveAnalysis | None:
    """The draft's analysis, or None while the behaviour is still empty."""
    if not model.behaviour.strip():
        return None
    return model.analysis()
