"""Reflections: a trainee's written answer to a prompt, kept in their data directory and exportable as Markdown.

Pure logic (no widgets). The :class:`~ttt_widgets.views.reflection.Reflection` widget owns one of these.

Writing down what one will do differently is the "reflective observation" and "abstract conceptualisation" part of
Kolb's learning cycle (Kolb, 1984, *Experiential Learning*), and putting an idea into one's own words is a form of
retrieval, which strengthens memory more than rereading (Roediger & Karpicke, 2006, *Test-enhanced learning*).
The kit keeps each answer on the trainee's own machine so they can come back to it and take it with them.

Storage: one small JSON file per reflection, ``<data_dir>/reflections/<key>.json``, written atomically (a temporary
file, then :func:`os.replace`), so two kernels saving different reflections never overwrite each other's work.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from traitlets import HasTraits, TraitError, Unicode, validate

from ..config import data_dir

__all__ = [
    "MAX_CHARS",
    "ReflectionError",
    "ReflectionModel",
    "SavedReflection",
    "export_reflections",
    "load_reflections",
    "reflections_dir",
]

#: the longest answer kept; the kit's common limit for anything a trainee types
MAX_CHARS = 2000
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ReflectionError(ValueError):
    """A reflection that cannot be saved (empty, too long, bad key...); the message says what to change."""


@dataclass(frozen=True)
class SavedReflection:
    """One saved answer."""

    key: str
    prompt: str
    module: str
    text: str
    saved_at: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "prompt": self.prompt, "module": self.module, "text": self.text, "saved_at": self.saved_at}


def reflections_dir(create: bool = True) -> Path:
    """The folder that holds the reflections: ``<data_dir>/reflections``."""
    path = data_dir(create=create) / "reflections"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def clean_text(text: object) -> str:
    """Normalise a typed answer: a string, NFC, no control characters other than newlines and tabs, trimmed.

    Raises :class:`ReflectionError` with a plain-language message when the answer cannot be kept.
    """
    if not isinstance(text, str):
        raise ReflectionError(f"a reflection is text, not {type(text).__name__}")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.strip()
    if not text:
        raise ReflectionError("write a few words before saving: the answer is empty")
    if len(text) > MAX_CHARS:
        raise ReflectionError(
            f"the answer has {len(text):,} characters; the limit is {MAX_CHARS:,}. Shorten it (your text is still in the box)"
        )
    return text


def _read(path: Path) -> SavedReflection | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SavedReflection(**{k: str(data[k]) for k in ("key", "prompt", "module", "text", "saved_at")})
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged or foreign file is skipped, never fatal


def load_reflections(module: str | None = None) -> list[SavedReflection]:
    """Every saved reflection (optionally of one module), ordered by module then key."""
    folder = reflections_dir(create=False)
    if not folder.is_dir():
        return []
    found = [r for p in sorted(folder.glob("*.json")) if (r := _read(p)) is not None]
    if module is not None:
        found = [r for r in found if r.module == str(module)]
    return sorted(found, key=lambda r: (r.module, r.key))


def _quote(text: str) -> str:
    """A Markdown blockquote of the text, line by line (blank lines kept as '>')."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def export_reflections(path: str | os.PathLike | None = None, module: str | None = None) -> Path:
    """Write the saved reflections to a Markdown file and return its path.

    Parameters
    ----------
    path : path-like, optional
        Where to write; default ``<data_dir>/my-reflections.md``.
    module : str, optional
        Only the reflections of this module (e.g. ``"02"``).

    The trainee's words are quoted verbatim in blockquotes: the file is theirs, to read or paste anywhere.
    """
    items = load_reflections(module)
    lines = ["# My reflections", "", "Train-the-Trainer Workshop Kit. Exported "
             + datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + ".", ""]
    if not items:
        lines += ["No reflection saved yet.", ""]
    current = None
    for r in items:
        if r.module != current:
            current = r.module
            lines += [f"## Module {r.module}" if r.module else "## Other", ""]
        lines += [f"### {r.prompt.strip()}", "", _quote(r.text), "", f"*Saved {r.saved_at}*", ""]
    target = Path(path) if path is not None else data_dir() / "my-reflections.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


class ReflectionModel(HasTraits):
    """A reflection prompt and the trainee's saved answer.

    Parameters
    ----------
    key : str
        A stable id (lower case letters, digits and dashes), unique across the curriculum, e.g. ``"02-one-change"``.
    prompt : str
        The question the trainee answers.
    module : str, optional
        The module it belongs to, e.g. ``"02"``; used to group the export.

    Examples
    --------
    >>> m = ReflectionModel("02-one-change", "What will you change in your next session?", module="02")
    >>> saved = m.save("Start with a two-question recall quiz.")
    >>> saved.text
    'Start with a two-question recall quiz.'
    """

    key = Unicode(help="Stable id of the reflection; also its file name.")
    prompt = Unicode(help="The question the trainee answers.")
    module = Unicode("", help="Curriculum module, e.g. '02'.")
    text = Unicode("", help="The answer as last saved (empty until saved).")
    saved_at = Unicode("", help="UTC time of the last save, ISO 8601 (empty until saved).")

    def __init__(self, key: str, prompt: str, module: str | None = None, **kwargs: Any) -> None:
        super().__init__(key=key, prompt=prompt, module=str(module or ""), **kwargs)
        previous = _read(self.path)
        if previous is not None:
            self.text, self.saved_at = previous.text, previous.saved_at

    @validate("key")
    def _check_key(self, proposal):
        value = proposal["value"]
        if not _KEY.match(value):
            raise TraitError(f"reflection key {value!r} must be 1-80 lower case letters, digits or dashes")
        return value

    @validate("prompt")
    def _check_prompt(self, proposal):
        value = proposal["value"].strip()
        if not value:
            raise TraitError("a reflection needs a prompt")
        return value

    @property
    def path(self) -> Path:
        """The file that keeps this reflection."""
        return reflections_dir(create=False) / f"{self.key}.json"

    @property
    def saved(self) -> bool:
        return bool(self.saved_at)

    def save(self, text: str) -> SavedReflection:
        """Keep ``text`` as the answer (replacing any earlier one); raises ReflectionError if it cannot be kept."""
        clean = clean_text(text)
        record = SavedReflection(self.key, self.prompt, self.module, clean,
                                 datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        folder = reflections_dir()
        fd, tmp = tempfile.mkstemp(prefix=f".{self.key}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record.to_dict(), fh, ensure_ascii=False, indent=1)
            os.replace(tmp, folder / f"{self.key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.text, self.saved_at = record.text, record.saved_at
        return record

    def export(self, path: str | os.PathLike | None = None, module: str | None = None) -> Path:
        """Export saved reflections as Markdown (see :func:`export_reflections`)."""
        return export_reflections(path, module)
