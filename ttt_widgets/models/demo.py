"""Teaching demos: observers score a trainee's short demo against a checkout rubric, and the pass / redo rule.

A rubric is content (``content/demo-rubrics/``): the marks an observer may give each item (``positive`` /
``growth``, or ``yes`` / ``iffy`` / ``no``), the items in sections, a redo rule and the prompts of the 2x2 written
feedback (content and delivery, what worked and what to improve). Two rubrics ship with the kit:

- ``carpentries-checkout``: the Carpentries' instructor checkout demo (a 5-minute demo, items marked positive or
  "opportunity for growth" for content and delivery; three or more growth marks mean a redo; 90 days to finish).
- ``ttt-presentation``: Teaching Tech Together's presentation rubric (yes / iffy / no across opening, content,
  delivery and closing); its redo rule is the kit's choice and says so.

Each observer fills in one :class:`ObserverSheet`: marks per item, timed notes (seconds since the demo started) and
the 2x2 feedback. :meth:`TeachingDemo.outcome` applies the rubric's rule to each sheet, then to the observers
together (the mean of their weighted counts), and says when observers disagree. :meth:`TeachingDemo.for_trainee`
is what the trainee sees: the outcome in words, what was noticed, and every observer's feedback, unsigned.

>>> demo = TeachingDemo("dana", "carpentries-checkout")
>>> for item in ("goal", "screen", "time"):
...     demo.mark("lee", item, "growth")
>>> demo.outcome().result, demo.outcome().score
('redo', 3.0)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

__all__ = ["DemoRubric", "ObserverSheet", "TimedNote", "DemoOutcome", "TeachingDemo", "TraineeFeedback",
           "FEEDBACK_CELLS", "MAX_NOTE", "clean_text", "as_date"]

#: the four cells of 2x2 feedback
FEEDBACK_CELLS = ("content_positive", "content_growth", "delivery_positive", "delivery_growth")
#: the longest note or feedback text kept (characters)
MAX_NOTE = 2000
#: the most timed notes one observer keeps for one demo
MAX_NOTES = 200


def clean_text(text: object, what: str = "text", limit: int = MAX_NOTE, required: bool = True) -> str:
    """Typed text as the kit keeps it: NFC, no control characters but newlines and tabs, trimmed, not too long.

    >>> clean_text("  good pace\\x07 ")
    'good pace'
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError(f"the {what} must be text, not {type(text).__name__}")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if required and not text:
        raise ValueError(f"the {what} is empty: write something first")
    if len(text) > limit:
        raise ValueError(f"the {what} has {len(text):,} characters; the limit is {limit:,}")
    return text


def as_date(value: date | str | None, what: str = "date") -> date | None:
    """A date from a ``date`` or ``YYYY-MM-DD`` text (None stays None)."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"the {what} must be a date written YYYY-MM-DD, got {value!r}")


@dataclass(frozen=True)
class DemoRubric:
    """A checkout rubric loaded from content (see the module docstring).

    Attributes
    ----------
    marks : tuple of str
        Mark ids, best first (e.g. ``("positive", "growth")``).
    items : dict
        item id -> {"name", "look_for", "section", "area"}, in rubric order.
    """

    id: str
    title: str
    marks: tuple[str, ...]
    mark_labels: dict[str, str]
    tones: dict[str, str]
    sections: tuple[dict, ...]
    items: dict[str, dict]
    weights: dict[str, float]
    redo_at: float
    rule: str
    demo_minutes: int
    deadline_days: int | None
    prompts: dict[str, str]
    sources: tuple[str, ...]

    @classmethod
    def load(cls, rubric: "str | dict | DemoRubric") -> "DemoRubric":
        """A rubric from its packaged name, a dict matching the ``demo-rubrics`` schema, or a rubric."""
        if isinstance(rubric, DemoRubric):
            return rubric
        from ..loader import load_content, validate_content

        data = load_content("demo-rubrics", rubric) if isinstance(rubric, str) else \
            validate_content(rubric, "demo-rubrics", "rubric")
        marks = tuple(m["id"] for m in data["marks"])
        if len(set(marks)) != len(marks):
            raise ValueError(f"rubric {data['id']!r}: mark ids must differ")
        unknown = sorted(set(data["redo_rule"]["weights"]) - set(marks))
        if unknown:
            raise ValueError(f"rubric {data['id']!r}: the redo rule weighs unknown mark(s) {', '.join(unknown)}")
        items: dict[str, dict] = {}
        for sec in data["sections"]:
            for it in sec["items"]:
                if it["id"] in items:
                    raise ValueError(f"rubric {data['id']!r}: item id {it['id']!r} appears twice")
                items[it["id"]] = {"name": it["name"], "look_for": it["look_for"], "section": sec["id"],
                                   "area": sec.get("feedback_area", "content")}
        return cls(
            id=data["id"], title=data["title"], marks=marks,
            mark_labels={m["id"]: m["label"] for m in data["marks"]},
            tones={m["id"]: m["tone"] for m in data["marks"]},
            sections=tuple({"id": s["id"], "name": s["name"], "items": [i["id"] for i in s["items"]]}
                           for s in data["sections"]),
            items=items, weights=dict(data["redo_rule"]["weights"]), redo_at=float(data["redo_rule"]["redo_at"]),
            rule=data["redo_rule"]["explain"], demo_minutes=data["demo_minutes"],
            deadline_days=data.get("deadline_days"), prompts=dict(data["feedback"]), sources=tuple(data["sources"]),
        )

    def score(self, marks: dict[str, str]) -> float:
        """The weighted count of marks the redo rule looks at (e.g. the number of growth marks)."""
        return float(sum(self.weights.get(m, 0.0) for m in marks.values()))

    def result(self, score: float) -> str:
        return "redo" if score >= self.redo_at - 1e-9 else "pass"

    def check_mark(self, item: str, mark: str | None) -> None:
        if item not in self.items:
            raise ValueError(f"{item!r} is not an item of the rubric {self.id!r} (items: {', '.join(self.items)})")
        if mark is not None and mark not in self.marks:
            raise ValueError(f"{mark!r} is not a mark of the rubric {self.id!r} (marks: {', '.join(self.marks)})")


@dataclass(frozen=True)
class TimedNote:
    """A note an observer wrote during the demo, ``at`` seconds after it started (``None``: written before the
    demo's clock started, e.g. on the room or the set-up)."""

    at: float | None
    text: str

    def when(self) -> str:
        """``mm:ss`` into the demo, or ``before the start``."""
        return "before the start" if self.at is None else f"{int(self.at // 60):02d}:{int(self.at % 60):02d}"


def _note_order(note: TimedNote) -> tuple[bool, float]:
    """Notes written before the start first, then by time."""
    return (note.at is not None, note.at or 0.0)


@dataclass
class ObserverSheet:
    """One observer's scoring of one demo: marks per item, timed notes, and the 2x2 feedback."""

    observer: str
    marks: dict[str, str] = field(default_factory=dict)
    notes: list[TimedNote] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"observer": self.observer, "marks": dict(self.marks),
                "notes": [{"at": n.at, "text": n.text} for n in self.notes], "feedback": dict(self.feedback)}


@dataclass(frozen=True)
class DemoOutcome:
    """Pass or redo, and why.

    Attributes
    ----------
    result : {"pass", "redo", "not scored"}
    score : float
        The weighted count of marks (the mean over observers when several scored).
    per_observer : dict
        observer -> (score, result).
    disagree : bool
        Observers reached different results: talk before telling the trainee.
    message : str
        The outcome in one plain sentence.
    """

    result: str
    score: float
    per_observer: dict[str, tuple[float, str]]
    disagree: bool
    message: str


@dataclass(frozen=True)
class TraineeFeedback:
    """What the trainee sees: the outcome, what observers noticed per item, their feedback and notes, unsigned."""

    trainee: str
    rubric_title: str
    result: str
    message: str
    noticed: list[dict]  # {"item", "name", "section", "counts": {mark label: n}}
    feedback: dict[str, list[str]]  # cell -> texts (one per observer who wrote one)
    notes: list[TimedNote]
    prompts: dict[str, str]


class TeachingDemo:
    """A trainee's teaching demo, scored by one or more observers against a rubric.

    Parameters
    ----------
    trainee : str
        Who gives the demo.
    rubric : str, dict or DemoRubric
        ``"carpentries-checkout"`` (default), ``"ttt-presentation"`` or your own.
    held_on : date or str, optional
        The day of the demo (default today).
    clock : callable, optional
        Seconds (monotonic) for timed notes; tests pass their own.

    Examples
    --------
    >>> d = TeachingDemo("dana", "ttt-presentation", held_on="2025-05-02")
    >>> d.mark("kim", "hook", "yes"); d.mark("kim", "summary", "iffy")
    >>> d.outcome().result
    'pass'
    """

    def __init__(self, trainee: str, rubric: "str | dict | DemoRubric" = "carpentries-checkout",
                 held_on: date | str | None = None, clock: Callable[[], float] | None = None) -> None:
        import time

        self.trainee = clean_text(trainee, "trainee's name", limit=200)
        self.rubric = DemoRubric.load(rubric)
        self.held_on = as_date(held_on, "demo date") or date.today()
        self._clock = clock or time.monotonic
        self.started: float | None = None
        self.sheets: dict[str, ObserverSheet] = {}

    def __repr__(self) -> str:
        return f"TeachingDemo({self.trainee!r}, {self.rubric.id!r}, observers={list(self.sheets)})"

    # -- scoring ---------------------------------------------------------------------------------------------
    def sheet(self, observer: str) -> ObserverSheet:
        """The observer's sheet (created on first use)."""
        name = clean_text(observer, "observer's name", limit=200)
        if name not in self.sheets:
            self.sheets[name] = ObserverSheet(name)
        return self.sheets[name]

    def mark(self, observer: str, item: str, mark: str | None) -> None:
        """Give ``item`` a mark (``None`` clears it: the item did not come up)."""
        self.rubric.check_mark(item, mark)
        sheet = self.sheet(observer)
        if mark is None:
            sheet.marks.pop(item, None)
        else:
            sheet.marks[item] = mark

    def start(self) -> None:
        """Start the demo's clock (timed notes count from here)."""
        self.started = self._clock()

    def elapsed(self) -> float:
        """Seconds since :meth:`start` (0 before it)."""
        return 0.0 if self.started is None else max(0.0, self._clock() - self.started)

    def note(self, observer: str, text: str, at: float | None = None) -> TimedNote:
        """A timed note: ``at`` seconds into the demo (default: now on the demo's clock, or no time, "before the
        start", while the clock has not started)."""
        sheet = self.sheet(observer)
        if len(sheet.notes) >= MAX_NOTES:
            raise ValueError(f"{sheet.observer} already has {MAX_NOTES} notes on this demo")
        if at is None and self.started is not None:
            at = self.elapsed()
        if at is not None and (isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at <= 24 * 3600):
            raise ValueError(f"a note's time must be seconds from 0 to 86400, got {at!r}")
        n = TimedNote(None if at is None else round(float(at), 1), clean_text(text, "note"))
        sheet.notes.append(n)
        sheet.notes.sort(key=_note_order)
        return n

    def write_feedback(self, observer: str, cell: str, text: str) -> None:
        """One cell of the 2x2 feedback (``content_positive``, ``content_growth``, ``delivery_positive``,
        ``delivery_growth``); empty text clears it."""
        if cell not in FEEDBACK_CELLS:
            raise ValueError(f"{cell!r} is not a feedback cell (cells: {', '.join(FEEDBACK_CELLS)})")
        sheet = self.sheet(observer)
        text = clean_text(text, "feedback", required=False)
        if text:
            sheet.feedback[cell] = text
        else:
            sheet.feedback.pop(cell, None)

    # -- results ---------------------------------------------------------------------------------------------
    def outcome(self) -> DemoOutcome:
        """Pass or redo: the rubric's rule on each observer's marks, then on the mean of their weighted counts."""
        r = self.rubric
        scored = {name: s for name, s in self.sheets.items() if s.marks}
        per = {name: (r.score(s.marks), r.result(r.score(s.marks))) for name, s in scored.items()}
        if not per:
            return DemoOutcome("not scored", 0.0, {}, False, "No observer has marked this demo yet.")
        mean = sum(v[0] for v in per.values()) / len(per)
        result = r.result(mean)
        disagree = len({v[1] for v in per.values()}) > 1
        who = "the observer" if len(per) == 1 else f"the {len(per)} observers on average"
        if len(r.weights) == 1:
            what = f"{mean:g} '{r.mark_labels[next(iter(r.weights))]}' mark(s)"
        else:
            what = f"marks that count {mean:g} ({', '.join(f'{r.mark_labels[m]} {w:g}' for m, w in r.weights.items())})"
        verdict = "A redo" if result == "redo" else "A pass"
        msg = f"{verdict}: {who} gave {what}; {r.redo_at:g} or more means a redo."
        if disagree:
            msg += " The observers do not agree: talk it through before telling the trainee."
        return DemoOutcome(result, mean, per, disagree, msg)

    def deadline(self, trained_on: date | str) -> date | None:
        """The last day to pass the demo, counted from the end of training (None if the rubric has no deadline)."""
        if self.rubric.deadline_days is None:
            return None
        return as_date(trained_on, "training date") + timedelta(days=self.rubric.deadline_days)

    def mark_counts(self) -> dict[str, dict[str, int]]:
        """item -> {mark: number of observers who gave it}."""
        out: dict[str, dict[str, int]] = {i: {} for i in self.rubric.items}
        for s in self.sheets.values():
            for item, m in s.marks.items():
                out[item][m] = out[item].get(m, 0) + 1
        return out

    def for_trainee(self) -> TraineeFeedback:
        """The trainee's view of the feedback: outcome, items noticed, 2x2 texts and timed notes (unsigned)."""
        r = self.rubric
        out = self.outcome()
        noticed = []
        for item, counts in self.mark_counts().items():
            if counts:
                info = r.items[item]
                noticed.append({"item": item, "name": info["name"], "section": info["section"],
                                "counts": {r.mark_labels[m]: counts[m] for m in r.marks if m in counts}})
        feedback = {cell: [s.feedback[cell] for s in self.sheets.values() if cell in s.feedback]
                    for cell in FEEDBACK_CELLS}
        notes = sorted((n for s in self.sheets.values() for n in s.notes), key=_note_order)
        message = {"pass": "You passed the teaching demo.",
                   "redo": "Please give the demo again: the feedback below says what to work on.",
                   "not scored": "Your demo has not been scored yet."}[out.result]
        return TraineeFeedback(self.trainee, r.title, out.result, message, noticed, feedback, notes, dict(r.prompts))

    # -- storage ---------------------------------------------------------------------------------------------
    def as_dict(self) -> dict:
        return {"trainee": self.trainee, "rubric": self.rubric.id, "held_on": self.held_on.isoformat(),
                "sheets": [s.as_dict() for s in self.sheets.values()]}

    @classmethod
    def from_dict(cls, data: dict, rubric: "str | dict | DemoRubric | None" = None) -> "TeachingDemo":
        """A demo from :meth:`as_dict`; every mark, note and feedback text is checked again."""
        demo = cls(data["trainee"], rubric or data["rubric"], held_on=data.get("held_on"))
        for s in data.get("sheets", []):
            demo.sheet(s["observer"])
            for item, m in s.get("marks", {}).items():
                demo.mark(s["observer"], item, m)
            for n in s.get("notes", []):
                demo.note(s["observer"], n["text"], at=n["at"])
            for cell, text in s.get("feedback", {}).items():
                demo.write_feedback(s["observer"], cell, text)
        return demo

