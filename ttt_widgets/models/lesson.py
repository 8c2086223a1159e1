"""Lesson plans: timed segments, checks with reasons, and a run sheet with clock times.

A plan is a list of segments, each with a title, minutes, an activity type and, optionally, one of Gagné's nine
events of instruction (Gagné, Briggs & Wager, 1992). The checks, their thresholds and the activity types are
content data (``content/lesson-rules/default.yaml``):

- the total against the time slot;
- the longest stretch of trainer talk (presentation, demonstration) without learner activity, flagged above
  15 minutes: attention and recall fall after the first 10-20 minutes of continuous lecturing (Bligh, 2000), a rule
  of thumb rather than a law (Wilson & Korn, 2007);
- the share of teaching time (breaks excluded) in which learners are active, flagged below 50%; active learning
  raises performance (Freeman et al., 2014);
- every stated objective is assessed by at least one segment;
- an opening (Gagné events 1-2) and a closure (events 8-9).

Templates (Gagné's nine events, a 5E cycle, a 90-minute workshop) are in ``content/lesson-templates/``.

>>> plan = LessonPlan.from_template("workshop-90", objectives=["List three barriers to transfer"])
>>> plan.total_minutes, plan.problems
(90, ())
>>> plan.schedule("09:00")[-1].end_text
'10:30'
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable

from traitlets import HasTraits, Instance, Int, List, TraitError, Unicode, observe, validate

from ..loader import load_content, validate_content
from .objectives import clean_text, md_escape

__all__ = ["ACTIVITIES", "LessonCheck", "LessonPlan", "Segment", "TimedSegment", "gagne_events", "lesson_rules", "parse_clock"]

#: the activity types a segment can have (the order of the content file)
ACTIVITIES = ("presentation", "demonstration", "individual practice", "pair/group work", "discussion", "assessment", "break")
MAX_MINUTES = 600


@lru_cache(maxsize=1)
def lesson_rules() -> dict:
    """The lesson-plan rules (thresholds, activity types, Gagné's events), validated content."""
    return load_content("lesson-rules", "default")


def gagne_events() -> dict[int, str]:
    """Gagné's nine events: number -> name."""
    return {e["number"]: e["name"] for e in lesson_rules()["gagne_events"]}


def _activity(value: Any) -> str:
    text = clean_text(value, "activity type", limit=60).lower()
    aliases = {"pair work": "pair/group work", "group work": "pair/group work", "practice": "individual practice",
               "lecture": "presentation", "demo": "demonstration", "quiz": "assessment"}
    text = aliases.get(text, text)
    if text not in ACTIVITIES:
        raise ValueError(f"'{value}' is not an activity type: choose one of {', '.join(ACTIVITIES)}.")
    return text


def _minutes(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Minutes must be a whole number, e.g. 10.")
    if isinstance(value, str):
        stripped = value.strip()
        if not re.fullmatch(r"[+-]?\d+(?:\.0+)?", stripped):
            raise ValueError(f"Minutes must be a whole number, e.g. 10 (got '{stripped[:40]}').")
        value = int(float(stripped))
    if isinstance(value, float):
        if value != int(value):
            raise ValueError(f"Minutes must be a whole number, e.g. 10 (got {value}).")
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"Minutes must be a whole number, e.g. 10 (got {type(value).__name__}).")
    if value <= 0:
        raise ValueError(f"Minutes must be more than 0 (got {value}).")
    if value > MAX_MINUTES:
        raise ValueError(f"A segment of {value} minutes is too long: split it (at most {MAX_MINUTES}).")
    return value


def _event(value: Any) -> int | None:
    if value is None or value == "" or value == 0:
        return None
    events = gagne_events()
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            value = int(text)
        else:
            for number, name in events.items():
                if name.lower() == text.lower():
                    return number
            raise ValueError(f"'{text[:60]}' is not one of Gagné's nine events.")
    if isinstance(value, bool) or not isinstance(value, int) or value not in events:
        raise ValueError(f"Gagné's events are numbered 1 to 9 (got {value!r}).")
    return value


@dataclass(frozen=True)
class Segment:
    """One timed part of a lesson.

    Use :meth:`make` to build one from user input (it checks every field and raises ValueError with a message).

    >>> Segment.make("Pair quiz", "10", "pair/group work", gagne_event=6)
    Segment(title='Pair quiz', minutes=10, activity='pair/group work', gagne_event=6, assesses=(), notes='')
    """

    title: str
    minutes: int
    activity: str
    gagne_event: int | None = None
    assesses: tuple[str, ...] = ()
    notes: str = ""

    @classmethod
    def make(cls, title: Any, minutes: Any, activity: Any, gagne_event: Any = None,
             assesses: Iterable[str] = (), notes: Any = "") -> "Segment":
        if isinstance(assesses, str):
            assesses = [assesses]
        return cls(
            title=clean_text(title, "segment title", limit=200),
            minutes=_minutes(minutes),
            activity=_activity(activity),
            gagne_event=_event(gagne_event),
            assesses=tuple(dict.fromkeys(clean_text(a, "objective", limit=2000) for a in assesses)),
            notes=clean_text(notes, "notes", required=False),
        )

    @property
    def learner_active(self) -> bool:
        return _activity_rule(self.activity)["learner_active"]

    @property
    def trainer_talk(self) -> bool:
        return _activity_rule(self.activity)["trainer_talk"]


def _activity_rule(activity: str) -> dict:
    for a in lesson_rules()["activities"]:
        if a["id"] == activity:
            return a
    raise ValueError(f"unknown activity type {activity!r}")  # pragma: no cover - Segment.make checks it


@dataclass(frozen=True)
class TimedSegment:
    """A segment placed on the clock: what a run-sheet dashboard shows.

    ``start`` and ``end`` are :class:`datetime.time`; ``start_minute`` and ``end_minute`` count from the lesson start.
    """

    index: int
    title: str
    minutes: int
    activity: str
    gagne_event: int | None
    start: _dt.time
    end: _dt.time
    start_minute: int
    end_minute: int
    assesses: tuple[str, ...] = ()
    notes: str = ""

    @property
    def start_text(self) -> str:
        return self.start.strftime("%H:%M")

    @property
    def end_text(self) -> str:
        return self.end.strftime("%H:%M")


@dataclass(frozen=True)
class LessonCheck:
    """The outcome of one check: ``ok`` with a message that gives the reason, either way."""

    code: str
    ok: bool
    message: str
    severity: str = "problem"  # "ok", "warning" or "problem"


def parse_clock(value: Any) -> _dt.time:
    """A clock time from ``"09:30"``, ``"9:30"``, ``"0930"`` or a :class:`datetime.time`; ValueError otherwise."""
    if isinstance(value, _dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, _dt.time):
        return value.replace(second=0, microsecond=0)
    text = clean_text(value, "start time", limit=20)
    m = re.fullmatch(r"(\d{1,2})[:.h]?(\d{2})", text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return _dt.time(int(m.group(1)), int(m.group(2)))
    raise ValueError(f"'{text}' is not a clock time: use HH:MM, e.g. 09:30.")


class LessonPlan(HasTraits):
    """A lesson plan: timed segments, objectives, checks with reasons and a Markdown run sheet.

    Parameters
    ----------
    title : str
    slot_minutes : int
        The time the session has (1 to 1440).
    segments : list of Segment or dict, optional
    objectives : list of str, optional
    start : str, optional
        The clock time the session starts, "HH:MM" (default "09:00").

    Examples
    --------
    >>> plan = LessonPlan("Giving feedback", 30)
    >>> _ = plan.add("Welcome and objectives", 5, "presentation", gagne_event=2)
    >>> _ = plan.add("Practise in pairs", 20, "pair/group work", gagne_event=6)
    >>> _ = plan.add("Recap", 5, "discussion", gagne_event=9)
    >>> plan.learner_share
    0.8333333333333334
    """

    title = Unicode("Untitled session", help="The session's title.")
    slot_minutes = Int(60, help="Minutes the session has.")
    segments = List(Instance(Segment), help="The segments, in order.")
    objectives = List(Unicode(), help="The objectives the session serves.")
    start = Unicode("09:00", help="Clock time the session starts (HH:MM).")

    def __init__(self, title: str = "Untitled session", slot_minutes: int = 60, segments: Iterable[Any] = (),
                 objectives: Iterable[str] = (), start: str = "09:00", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = clean_text(title, "session title", limit=200)
        self.slot_minutes = _minutes_slot(slot_minutes)
        self.start = parse_clock(start).strftime("%H:%M")
        for text in objectives:
            self.add_objective(text)
        self.segments = [s if isinstance(s, Segment) else Segment.make(**s) for s in segments]

    @validate("slot_minutes")
    def _check_slot(self, proposal):
        try:
            return _minutes_slot(proposal["value"])
        except ValueError as exc:
            raise TraitError(str(exc)) from None

    @validate("start")
    def _check_start(self, proposal):
        try:
            return parse_clock(proposal["value"]).strftime("%H:%M")
        except ValueError as exc:
            raise TraitError(str(exc)) from None

    # -- construction ----------------------------------------------------------------------------------------
    @classmethod
    def from_template(cls, name: str, objectives: Iterable[str] = (), title: str | None = None,
                      start: str = "09:00") -> "LessonPlan":
        """A plan from a packaged template (``gagne``, ``5e``, ``merrill``, ``workshop-90``).

        With ``objectives``, every assessment segment of the template is marked as assessing all of them.
        """
        data = load_content("lesson-templates", name)
        objectives = list(objectives) or list(data.get("objectives", []))
        plan = cls(title or data["title"], data["slot_minutes"], objectives=objectives, start=start)
        segs = []
        for s in data["segments"]:
            seg = Segment.make(**s)
            if seg.activity == "assessment" and not seg.assesses:
                seg = replace(seg, assesses=tuple(plan.objectives))
            segs.append(seg)
        plan.segments = segs
        return plan

    @classmethod
    def from_dict(cls, data: dict) -> "LessonPlan":
        """A plan from a dict in the lesson-templates format (e.g. one saved with :meth:`to_dict`)."""
        data = validate_content(data, "lesson-templates", f"lesson plan {data.get('id', '?')!r}" if isinstance(data, dict) else "lesson plan")
        return cls(data["title"], data["slot_minutes"], segments=data["segments"], objectives=data.get("objectives", []))

    def to_dict(self, plan_id: str = "my-plan") -> dict:
        """The plan in the lesson-templates format (validated), to save as YAML or JSON."""
        segs = []
        for s in self.segments:
            d: dict[str, Any] = {"title": s.title, "minutes": s.minutes, "activity": s.activity}
            if s.gagne_event:
                d["gagne_event"] = s.gagne_event
            if s.assesses:
                d["assesses"] = list(s.assesses)
            if s.notes:
                d["notes"] = s.notes
            segs.append(d)
        data = {"id": plan_id, "title": self.title, "slot_minutes": self.slot_minutes,
                "objectives": list(self.objectives), "segments": segs}
        if not segs:
            raise ValueError("The plan has no segments yet: add one before saving.")
        return validate_content(data, "lesson-templates", "lesson plan")

    # -- editing ---------------------------------------------------------------------------------------------
    def _index(self, index: Any, extra: int = 0) -> int:
        n = len(self.segments) + extra
        if isinstance(index, bool) or not isinstance(index, int) or not -n <= index < n or n == 0:
            raise ValueError(f"There is no segment number {index!r} (the plan has {len(self.segments)}).")
        return index % n

    def add(self, title: Any, minutes: Any, activity: Any, gagne_event: Any = None, assesses: Iterable[str] = (),
            notes: Any = "", index: int | None = None) -> Segment:
        """Add a segment (at the end, or before position ``index``); returns it. ValueError on bad input."""
        seg = Segment.make(title, minutes, activity, gagne_event, assesses, notes)
        unknown = [a for a in seg.assesses if a not in self.objectives]
        if unknown:
            raise ValueError(f"'{unknown[0][:80]}' is not one of the plan's objectives: add it as an objective first.")
        segs = list(self.segments)
        segs.insert(len(segs) if index is None else self._index(index, extra=1), seg)
        self.segments = segs
        return seg

    def remove(self, index: int) -> Segment:
        """Remove the segment at ``index``; returns it."""
        i = self._index(index)
        segs = list(self.segments)
        removed = segs.pop(i)
        self.segments = segs
        return removed

    def move(self, index: int, new_index: int) -> None:
        """Move the segment at ``index`` to ``new_index``."""
        i = self._index(index)
        j = self._index(new_index)
        segs = list(self.segments)
        segs.insert(j, segs.pop(i))
        self.segments = segs

    def move_up(self, index: int) -> None:
        i = self._index(index)
        if i > 0:
            self.move(i, i - 1)

    def move_down(self, index: int) -> None:
        i = self._index(index)
        if i < len(self.segments) - 1:
            self.move(i, i + 1)

    def update(self, index: int, **changes: Any) -> Segment:
        """Change fields of one segment (title, minutes, activity, gagne_event, assesses, notes)."""
        i = self._index(index)
        old = self.segments[i]
        fields = {"title": old.title, "minutes": old.minutes, "activity": old.activity,
                  "gagne_event": old.gagne_event, "assesses": old.assesses, "notes": old.notes}
        unknown = set(changes) - set(fields)
        if unknown:
            raise ValueError(f"A segment has no field {sorted(unknown)[0]!r}.")
        fields.update(changes)
        seg = Segment.make(**fields)
        segs = list(self.segments)
        segs[i] = seg
        self.segments = segs
        return seg

    def add_objective(self, text: Any) -> str:
        """Add an objective the plan serves; refuses empty, over-long and duplicate objectives."""
        text = clean_text(text, "objective")
        if any(o.lower() == text.lower() for o in self.objectives):
            raise ValueError("This objective is already in the plan.")
        self.objectives = [*self.objectives, text]
        return text

    def remove_objective(self, text: str) -> None:
        if text not in self.objectives:
            raise ValueError("That objective is not in the plan.")
        self.objectives = [o for o in self.objectives if o != text]
        self.segments = [replace(s, assesses=tuple(a for a in s.assesses if a != text)) for s in self.segments]

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.segments)

    @property
    def learner_share(self) -> float:
        """Share of teaching time (breaks excluded) in which learners are active; 0.0 for an empty plan."""
        teaching = sum(s.minutes for s in self.segments if s.activity != "break")
        active = sum(s.minutes for s in self.segments if s.learner_active)
        return active / teaching if teaching else 0.0

    def longest_trainer_talk(self) -> tuple[int, tuple[str, ...]]:
        """The longest run of consecutive trainer-talk segments: (minutes, their titles)."""
        best: tuple[int, tuple[str, ...]] = (0, ())
        run_minutes, run_titles = 0, []
        for s in self.segments:
            if s.trainer_talk:
                run_minutes += s.minutes
                run_titles.append(s.title)
                if run_minutes > best[0]:
                    best = (run_minutes, tuple(run_titles))
            else:
                run_minutes, run_titles = 0, []
        return best

    def schedule(self, start: Any = None) -> tuple[TimedSegment, ...]:
        """Every segment with its start and end clock time, from ``start`` (default: the plan's start)."""
        t0 = parse_clock(self.start if start is None else start)
        base = _dt.datetime.combine(_dt.date(2000, 1, 1), t0)
        out, minute = [], 0
        for i, s in enumerate(self.segments):
            begin = base + _dt.timedelta(minutes=minute)
            finish = begin + _dt.timedelta(minutes=s.minutes)
            out.append(TimedSegment(i, s.title, s.minutes, s.activity, s.gagne_event, begin.time(), finish.time(),
                                    minute, minute + s.minutes, s.assesses, s.notes))
            minute += s.minutes
        return tuple(out)

    def checks(self) -> tuple[LessonCheck, ...]:
        """Every check, in a fixed order, each with the reason for its outcome."""
        rules = lesson_rules()
        if not self.segments:
            return (LessonCheck("empty", False, "The plan has no segments yet: add one or load a template."),)
        out = []
        total, slot, tol = self.total_minutes, self.slot_minutes, rules["slot_tolerance_minutes"]
        if total > slot:
            out.append(LessonCheck("slot", False, f"The segments add up to {total} min but the slot is {slot} min: "
                                                  f"cut {total - slot} min."))
        elif slot - total > tol:
            out.append(LessonCheck("slot", False, f"{slot - total} min of the {slot}-min slot are not planned: add a "
                                                  "segment or shorten the slot.", "warning"))
        else:
            out.append(LessonCheck("slot", True, f"The segments add up to {total} min of the {slot}-min slot.", "ok"))

        limit = rules["max_trainer_talk_minutes"]
        talk, titles = self.longest_trainer_talk()
        named = ", ".join(f"'{t}'" for t in titles)
        if talk > limit:
            out.append(LessonCheck("trainer-talk", False, f"Trainer talk runs {talk} min without learner activity "
                                   f"({named}): after at most {limit} min, give learners something to do (a question "
                                   "to discuss in pairs, a quick task or a check)."))
        elif talk:
            out.append(LessonCheck("trainer-talk", True, f"The longest stretch of trainer talk is {talk} min ({named}), "
                                   f"within {limit} min.", "ok"))
        else:
            out.append(LessonCheck("trainer-talk", True, "There is no trainer talk (presentation or demonstration).", "ok"))

        share, least = self.learner_share, rules["min_learner_share"]
        teaching = sum(s.minutes for s in self.segments if s.activity != "break")
        active = sum(s.minutes for s in self.segments if s.learner_active)
        if share < least:
            out.append(LessonCheck("learner-share", False, f"Learners are active for {share:.0%} of the teaching time "
                                   f"({active} of {teaching} min): aim for at least {least:.0%} with practice, pair "
                                   "work, discussion or checks."))
        else:
            out.append(LessonCheck("learner-share", True, f"Learners are active for {share:.0%} of the teaching time "
                                   f"({active} of {teaching} min).", "ok"))

        if not self.objectives:
            out.append(LessonCheck("objectives", False, "No objectives stated: add the objectives this session serves, "
                                   "so the plan can be checked against them.", "warning"))
        else:
            assessed = {a for s in self.segments for a in s.assesses}
            missing = [(i, o) for i, o in enumerate(self.objectives, 1) if o not in assessed]
            for i, o in missing:
                short = o if len(o) <= 80 else o[:77] + "..."
                out.append(LessonCheck("objectives", False, f"Objective {i} ('{short}') is not assessed by any segment: "
                                       "add a check (e.g. a quiz, a demonstration by the learners or an exit ticket) "
                                       "that assesses it."))
            if not missing:
                out.append(LessonCheck("objectives", True, f"Every objective ({len(self.objectives)}) is assessed by "
                                       "at least one segment.", "ok"))

        teaching_segs = [s for s in self.segments if s.activity != "break"] or list(self.segments)
        for code, seg, edge, what, example in (
            ("opening", teaching_segs[0], rules["opening"], "opening", "'Welcome and objectives'"),
            ("closure", teaching_segs[-1], rules["closure"], "closure", "'Recap and next steps'"),
        ):
            events = gagne_events()
            if _is_edge(seg, edge):
                out.append(LessonCheck(code, True, f"The {what} is '{seg.title}'.", "ok"))
            else:
                names = " or ".join(f"{n}. {events[n]}" for n in edge["events"])
                where = "start" if code == "opening" else "end"
                out.append(LessonCheck(code, False, f"No {what}: '{seg.title}' does not {where} the session. Add a "
                                       f"segment for Gagné's '{names}', e.g. {example}."))
        return tuple(out)

    @property
    def problems(self) -> tuple[str, ...]:
        """The messages of the failed checks (problems and warnings), in check order."""
        return tuple(c.message for c in self.checks() if not c.ok)

    def run_sheet(self, start: Any = None) -> str:
        """The plan as a Markdown run sheet: clock times from ``start``, then the checks."""
        timed = self.schedule(start)
        t0 = parse_clock(self.start if start is None else start).strftime("%H:%M")
        end = timed[-1].end_text if timed else t0
        events = gagne_events()
        lines = [f"# Run sheet: {md_escape(self.title)}", "",
                 f"Slot: {self.slot_minutes} min. Planned: {self.total_minutes} min, from {t0} to {end}.", ""]
        if self.objectives:
            lines += ["## Objectives", ""] + [f"{i}. {md_escape(o)}" for i, o in enumerate(self.objectives, 1)] + [""]
        lines += ["| Time | Min | Segment | Activity | Gagné event | Assesses | Notes |",
                  "|---|---:|---|---|---|---|---|"]
        for t in timed:
            event = f"{t.gagne_event}. {events[t.gagne_event]}" if t.gagne_event else ""
            assessed = ", ".join(str(self.objectives.index(a) + 1) for a in t.assesses if a in self.objectives)
            lines.append(f"| {t.start_text}-{t.end_text} | {t.minutes} | {md_escape(t.title)} | {t.activity} | "
                         f"{event} | {assessed} | {md_escape(t.notes)} |")
        lines += ["", "## Checks", ""]
        for c in self.checks():
            label = {"ok": "OK", "warning": "Warning", "problem": "Problem"}[c.severity]
            lines.append(f"- **{label}:** {md_escape(c.message)}")
        return "\n".join(lines) + "\n"


def _minutes_slot(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("The slot must be a whole number of minutes, e.g. 90.")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError(f"The slot must be a whole number of minutes, e.g. 90 (got '{value.strip()[:40]}').")
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= 1440:
        raise ValueError(f"The slot must be between 1 and 1440 minutes (got {value!r}).")
    return value


def _is_edge(seg: Segment, edge: dict) -> bool:
    if seg.gagne_event in edge["events"]:
        return True
    title = seg.title.lower()
    return any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", title) for w in edge["words"])
