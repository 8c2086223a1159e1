"""Load content files (YAML or JSON) shipped with the kit and validate them against their JSON Schema.

Content lives in ``ttt_widgets/content/<kind>/<name>.yaml``; the schema of a kind lives in
``ttt_widgets/content/schemas/<kind>.schema.json``. Everything is found through
:mod:`importlib.resources`, never relative to the working directory.

>>> from ttt_widgets.loader import load_content
>>> quiz = load_content("quizzes", "trainer-role")
>>> quiz["title"]
'The trainer and the train-the-trainer model'
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["ContentError", "load_content", "list_content", "validate_content", "load_file", "schema_for"]

_SUFFIXES = (".yaml", ".yml", ".json")


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match its schema.

    The message names the file, the item (question, segment, ...) and the field at fault.
    """


def _content_root():
    return resources.files("ttt_widgets") / "content"


@lru_cache(maxsize=None)
def schema_for(kind: str) -> dict:
    """The JSON Schema (as a dict) for one kind of content."""
    ref = _content_root() / "schemas" / f"{kind}.schema.json"
    if not ref.is_file():
        raise ContentError(f"no schema for content kind {kind!r} (looked for content/schemas/{kind}.schema.json)")
    return json.loads(ref.read_text(encoding="utf-8"))


def list_content(kind: str) -> list[str]:
    """Names (without suffix) of the content files of one kind, sorted."""
    folder = _content_root() / kind
    if not folder.is_dir():
        return []
    return sorted(
        entry.name.rsplit(".", 1)[0]
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIXES)
    )


#: the largest content file read (bytes): a quiz of a hundred questions is about 60 KB
MAX_BYTES = 2_000_000
#: the deepest nesting of lists and mappings (the kit's own content goes 6 deep)
MAX_DEPTH = 40


@lru_cache(maxsize=1)
def _loader():
    """PyYAML's safe loader with limits: no anchors or aliases (a 1 KB "billion laughs" file expands to gigabytes),
    nesting at most MAX_DEPTH deep, and YAML 1.2 booleans (only true/false: ``feedback: no`` stays the text "no")."""
    import re

    import yaml

    class ContentLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in content files",
                                                  event.start_mark)
            event = self.peek_event()
            if getattr(event, "anchor", None):
                raise yaml.composer.ComposerError(None, None, "anchors (&name) are not allowed in content files",
                                                  event.start_mark)
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                      event.start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                 for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    ContentLoader.yaml_implicit_resolvers = resolvers
    ContentLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                        list("tTfF"))
    return ContentLoader


#: bidirectional overrides and isolates: text that displays in another order than it reads ("Trojan Source")
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _without_bidi(data: Any) -> Any:
    """Every string of the content without bidirectional override characters (an answer shown reversed on screen
    would mislead the trainee)."""
    if isinstance(data, str):
        return data.translate(_BIDI)
    if isinstance(data, list):
        return [_without_bidi(v) for v in data]
    if isinstance(data, dict):
        return {_without_bidi(k): _without_bidi(v) for k, v in data.items()}
    return data


def _parse(text: str, label: str) -> Any:
    import yaml  # PyYAML parses JSON as well

    if len(text) > MAX_BYTES:
        raise ContentError(f"{label}: too large ({len(text):,} characters; content files are at most {MAX_BYTES:,})")
    try:
        return _without_bidi(yaml.load(text, Loader=_loader()))  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ContentError(f"{label}: not valid YAML: {exc}") from None
    except RecursionError:
        raise ContentError(f"{label}: nested too deeply") from None


def _item_label(data: Any, path: list) -> str:
    """Name the item at fault: the nearest object in the error path that has an ``id``."""
    parts = []
    node = data
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and isinstance(node, dict) and "id" in node:
            parts.append(f"{node['id']!r}")
    return " > ".join(parts)


def _field_label(path: list) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def _import_jsonschema():
    """Import jsonschema without its optional IRI format checker.

    jsonschema loads ``rfc3987_syntax`` when it is installed (JupyterLab's dependencies install it); that module
    builds a parser grammar at import and costs about 0.7 s, which every kernel would pay on its first quiz (and
    every submission in an nbgrader run). Our schemas use no ``iri`` formats, so it is skipped for this import only;
    later imports of ``rfc3987_syntax`` by anyone else work as usual.
    """
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # makes `import rfc3987_syntax` raise ImportError, which jsonschema allows
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


def validate_content(data: Any, kind: str, label: str = "<data>") -> Any:
    """Validate ``data`` against the schema of ``kind``; raise :class:`ContentError` naming the place at fault."""
    jsonschema = _import_jsonschema()

    validator_cls = jsonschema.validators.validator_for(schema_for(kind))
    validator = validator_cls(schema_for(kind))
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        err = errors[0]
        path = list(err.absolute_path)
        item = _item_label(data, path)
        where = f"{label}: " + (f"item {item}: " if item else "") + f"field {_field_label(path)}: "
        extra = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ContentError(where + err.message + extra)
    return data


def load_file(path: str | Path, kind: str) -> Any:
    """Load and validate a content file from anywhere on disk (e.g. a trainee's own questions)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ContentError(f"{path}: too large ({size:,} bytes; content files are at most {MAX_BYTES:,})")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read: {exc}") from None
    return validate_content(_parse(text, str(path)), kind, str(path))


@lru_cache(maxsize=None)
def _load_packaged(kind: str, name: str) -> Any:
    folder = _content_root() / kind
    for suffix in _SUFFIXES:
        ref = folder / f"{name}{suffix}"
        if ref.is_file():
            label = f"content/{kind}/{name}{suffix}"
            return validate_content(_parse(ref.read_text(encoding="utf-8"), label), kind, label)
    available = ", ".join(list_content(kind)) or "none"
    raise ContentError(f"no {kind} content named {name!r} (available: {available})")


def load_content(kind: str, name: str) -> Any:
    """Load one packaged content file by kind and name, validated against its schema.

    Returns a fresh deep copy so callers may modify it freely.
    """
    import copy

    return copy.deepcopy(_load_packaged(kind, name))
