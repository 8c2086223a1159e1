"""The reflection widget: a prompt, a text box, Save and Export; the answer stays in the trainee's data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..models.reflection import MAX_CHARS, ReflectionModel, SavedReflection, export_reflections
from ._common import esc, guarded, status

__all__ = ["Reflection"]


class Reflection(widgets.VBox):
    """A reflection prompt whose answer the trainee keeps.

    The answer is saved to ``<data_dir>/reflections/<key>.json`` (see :func:`ttt_widgets.config.data_dir`) and shown
    again the next time the notebook runs. "Export" writes every saved reflection to one Markdown file.
    Actions callable from Python: :meth:`save`, :meth:`export`; :attr:`value` is the text in the box.

    Parameters
    ----------
    key : str
        Stable id, e.g. ``"02-one-change"`` (lower case letters, digits, dashes).
    prompt : str
        The question to answer.
    module : str, optional
        The module, e.g. ``"02"``, used to group the export.
    placeholder : str, optional
        Hint shown in the empty box.

    Examples
    --------
    >>> r = Reflection("02-one-change", "What will you change in your next session?", module="02")
    >>> r.value = "Open with two recall questions."
    >>> r.save().text
    'Open with two recall questions.'
    """

    def __init__(self, key: str, prompt: str, module: str | None = None, placeholder: str = "Type your answer here.",
                 **kwargs: Any) -> None:
        self.model = ReflectionModel(key, prompt, module=module)
        self.last_export: Path | None = None
        self._build(placeholder)
        super().__init__(children=[self._prompt, self._box, self._count, self._buttons, self._status], **kwargs)
        self.add_class("ttt-reflection")
        self._wire()
        self._show()

    # -- build, wire, show -------------------------------------------------------------------------------------
    def _build(self, placeholder: str) -> None:
        self._prompt = widgets.HTML(f"<p style='margin:4px 0'><strong>Reflect.</strong> {esc(self.model.prompt)}</p>")
        self._box = widgets.Textarea(value=self.model.text, placeholder=placeholder, description="Your answer",
                                     layout=widgets.Layout(width="95%", height="7em"),
                                     style={"description_width": "initial"})
        self._count = widgets.Label()
        self._save_btn = widgets.Button(description="Save", button_style="primary", icon="save",
                                        tooltip="Keep this answer in your data folder")
        # width "auto": the default button width (148px) cut the label to "Export all (Mar..."
        self._export_btn = widgets.Button(description="Export all (Markdown)", icon="download",
                                          tooltip="Write all your saved reflections to one Markdown file",
                                          layout=widgets.Layout(width="auto"))
        self._buttons = widgets.HBox([self._save_btn, self._export_btn])
        self._status = widgets.HTML()

    def _wire(self) -> None:
        self._save_btn.on_click(lambda _: self.save())
        self._export_btn.on_click(lambda _: self.export())
        self._box.observe(lambda _: self._update_count(), names="value")

    def _show(self) -> None:
        self._update_count()
        if self.model.saved:
            status(self._status, f"Your answer from {self.model.saved_at} is loaded. Edit it and save again any time.",
                   "info", "Saved.")

    def _update_count(self) -> None:
        n = len(self._box.value)
        over = " (over the limit: shorten it before saving)" if n > MAX_CHARS else ""
        self._count.value = f"{n:,} of {MAX_CHARS:,} characters{over}"

    # -- public surface ----------------------------------------------------------------------------------------
    @property
    def value(self) -> str:
        """The text in the box (saved or not)."""
        return self._box.value

    @value.setter
    def value(self, text: str) -> None:
        self._box.value = text

    @guarded()
    def save(self) -> SavedReflection | None:
        """Save the text in the box; returns the saved record, or None with a message when it cannot be kept."""
        record = self.model.save(self._box.value)
        status(self._status, f"Kept on this computer at {self.model.saved_at}. Use 'Export all' to get a Markdown file.",
               "ok", "Saved.")
        return record

    @guarded()
    def export(self, path: str | Path | None = None) -> Path | None:
        """Write every saved reflection to a Markdown file (default ``<data_dir>/my-reflections.md``); returns its path."""
        if self._box.value.strip() and self._box.value.strip() != self.model.text:
            note = " Your latest text in this box is not saved yet: press Save first if you want it in the file."
        else:
            note = ""
        target = export_reflections(path)
        self.last_export = target
        status(self._status, f"Written to {target}.{note}", "ok" if not note else "warn", "Exported.")
        return target
