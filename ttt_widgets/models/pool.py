"""The trainer pool: who is certified for which module, at which cascade generation, when they last taught, how
their observed deliveries scored, and whom to draw on for a date.

The goal of a train-the-trainer programme is a pool of trainers to draw on, not one instructor. The pool keeps, for
each trainer, their cascade generation (0 = master trainers; a trainer trained by generation ``k`` is generation
``k + 1``), who trained them, the modules they are certified to deliver, their teaching sessions (past ones give
"last taught", future ones are bookings) and their fidelity-checklist scores.

The roster travels as CSV (one row per trainer)::

    id,name,generation,trained_by,modules,trained_on,certified_on
    ana,Ana Diaz,0,,05-facilitation-questions;07-formative-assessment,2024-06-01,2024-09-01

``modules`` is separated by semicolons; ``trained_on`` (the end of their training, from which the pathway's
deadlines count) and ``certified_on`` are dates written YYYY-MM-DD or empty. A bad cell raises :class:`RosterCSVError` naming the row (file line) and
the column; nothing is imported from a file with an error. The export adds read-only columns (``last_taught``,
``last_observed``, ``observation_score``) that an import ignores.

>>> pool = TrainerPool()
>>> pool.add(Trainer("ana", "Ana", 0, modules={"05-facilitation-questions"}))
>>> pool.add(Trainer("ben", "Ben", 1, trained_by="ana", modules={"05-facilitation-questions"}))
>>> [c.trainer.id for c in pool.available("05-facilitation-questions", "2025-06-01", today="2025-05-01")]
['ana', 'ben']
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable

from .demo import as_date, clean_text
from .evaluation import read_csv_text

__all__ = ["Trainer", "TrainerPool", "Candidate", "RosterCSVError", "ROSTER_COLUMNS", "ROSTER_EXPORT_COLUMNS"]

ROSTER_COLUMNS = ("id", "name", "generation", "trained_by", "modules", "trained_on", "certified_on")
ROSTER_EXPORT_COLUMNS = ROSTER_COLUMNS + ("last_taught", "last_observed", "observation_score")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_MODULE = re.compile(r"^[0-9]{2}-[a-z0-9-]+$")
#: the largest roster read (rows)
MAX_ROWS = 20_000


class RosterCSVError(ValueError):
    """A roster file that cannot be imported; the message names the row and the column."""


def _check_id(value: str, what: str = "trainer id") -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{what} {value!r} must be 1-100 letters, digits or . _ @ - (starting with a letter or digit)")
    return value


@dataclass
class Trainer:
    """One trainer of the pool."""

    id: str
    name: str
    generation: int = 1
    trained_by: str = ""
    modules: set = field(default_factory=set)
    certified_on: date | str | None = None
    trained_on: date | str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id)
        self.name = clean_text(self.name, "name", limit=200).replace("\n", " ")
        if isinstance(self.generation, bool) or not isinstance(self.generation, int) or not 0 <= self.generation <= 10:
            raise ValueError(f"the generation must be a whole number from 0 to 10, got {self.generation!r}")
        if self.trained_by:  # may name a trainer outside the roster (trained elsewhere)
            _check_id(self.trained_by, "trained_by")
        self.modules = set(self.modules)
        for m in self.modules:
            _module(m if isinstance(m, str) else repr(m))
        self.certified_on = as_date(self.certified_on, "certification date")
        self.trained_on = as_date(self.trained_on, "training date")


@dataclass(frozen=True)
class Candidate:
    """A trainer who could deliver a module on a date, and why they rank where they do."""

    trainer: Trainer
    observation_score: float | None
    last_taught: date | None
    last_observed: date | None
    note: str


class TrainerPool:
    """The programme's trainers, their sessions and observation scores (see the module docstring).

    Parameters
    ----------
    reobserve_every_days : int
        A trainer not observed for this long is due for re-observation (and ranks after current trainers).
    """

    def __init__(self, trainers: Iterable[Trainer] = (), reobserve_every_days: int = 365) -> None:
        self.trainers: dict[str, Trainer] = {}
        self.sessions: list[tuple[str, str, date]] = []  # (trainer, module, date)
        self.observations: list[tuple[str, str, date, float]] = []  # (trainer, module, date, score)
        self.reobserve_every_days = reobserve_every_days
        for t in trainers:
            self.add(t)

    def __len__(self) -> int:
        return len(self.trainers)

    # -- building --------------------------------------------------------------------------------------------
    def add(self, trainer: Trainer) -> None:
        """Add (or replace) a trainer; a trainer's ``trained_by`` in the pool must be one generation above."""
        parent = self.trainers.get(trainer.trained_by) if trainer.trained_by else None
        if trainer.trained_by == trainer.id:
            raise ValueError(f"{trainer.id} cannot have trained themselves")
        if parent is not None and parent.generation != trainer.generation - 1:
            raise ValueError(f"{trainer.id} is generation {trainer.generation} but was trained by {parent.id} of "
                             f"generation {parent.generation}: a trainer is one generation below whoever trained them")
        self.trainers[trainer.id] = trainer

    def _trainer(self, trainer_id: str) -> Trainer:
        try:
            return self.trainers[trainer_id]
        except KeyError:
            raise ValueError(f"no trainer {trainer_id!r} in the pool") from None

    def certify(self, trainer_id: str, module: str, on: date | str | None = None) -> None:
        """Certify a trainer to deliver a module."""
        t = self._trainer(trainer_id)
        t.modules.add(_module(module if isinstance(module, str) else repr(module)))
        t.certified_on = t.certified_on or as_date(on, "certification date") or date.today()

    def record_session(self, trainer_id: str, module: str, on: date | str) -> None:
        """A session the trainer taught (a past date) or is booked for (a future date)."""
        self._trainer(trainer_id)
        self.sessions.append((trainer_id, module, as_date(on, "session date")))

    def record_observation(self, trainer_id: str, module: str, on: date | str, score: float) -> None:
        """A fidelity-checklist score (0..1) of one observed delivery."""
        self._trainer(trainer_id)
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
            raise ValueError(f"an observation score is a share from 0 to 1, got {score!r}")
        self.observations.append((trainer_id, module, as_date(on, "observation date"), float(score)))

    # -- questions -------------------------------------------------------------------------------------------
    def certified_for(self, module: str) -> list[Trainer]:
        return sorted((t for t in self.trainers.values() if module in t.modules), key=lambda t: (t.generation, t.id))

    def last_taught(self, trainer_id: str, today: date | str | None = None) -> date | None:
        today = as_date(today, "today") or date.today()
        past = [d for t, _, d in self.sessions if t == trainer_id and d <= today]
        return max(past) if past else None

    def last_observed(self, trainer_id: str) -> date | None:
        dates = [d for t, _, d, _ in self.observations if t == trainer_id]
        return max(dates) if dates else None

    def observation_score(self, trainer_id: str, last: int = 3) -> float | None:
        """Mean score of the trainer's ``last`` observations (None if never observed)."""
        obs = sorted((d, s) for t, _, d, s in self.observations if t == trainer_id)[-last:]
        return sum(s for _, s in obs) / len(obs) if obs else None

    def generations(self) -> dict[int, int]:
        """generation -> number of trainers."""
        out: dict[int, int] = {}
        for t in self.trainers.values():
            out[t.generation] = out.get(t.generation, 0) + 1
        return dict(sorted(out.items()))

    def due_for_reobservation(self, today: date | str | None = None) -> list[tuple[Trainer, date | None]]:
        """Certified trainers not observed within ``reobserve_every_days`` (never observed first), with the date
        of their last observation."""
        today = as_date(today, "today") or date.today()
        limit = today - timedelta(days=self.reobserve_every_days)
        due = []
        for t in self.trainers.values():
            if not t.modules:
                continue
            seen = self.last_observed(t.id)
            if seen is None or seen < limit:
                due.append((t, seen))
        return sorted(due, key=lambda p: (p[1] is not None, p[1] or date.min, p[0].id))

    def available(self, module: str, on: date | str, today: date | str | None = None) -> list[Candidate]:
        """Whom to draw on to deliver ``module`` on ``on``: trainers certified for it and not already booked that
        day. Current trainers (observed within the re-observation interval) come first, by observation score
        (highest first), then the one who taught least recently (to share the load), then by generation."""
        on = as_date(on, "date")
        today = as_date(today, "today") or date.today()
        booked = {t for t, _, d in self.sessions if d == on}
        limit = on - timedelta(days=self.reobserve_every_days)
        out = []
        for t in self.certified_for(module):
            if t.id in booked:
                continue
            score, taught, seen = self.observation_score(t.id), self.last_taught(t.id, today), self.last_observed(t.id)
            current = seen is not None and seen >= limit
            if seen is None:
                note = "never observed: observe this delivery"
            elif not current:
                note = f"last observed {seen.isoformat()}: due for re-observation"
            else:
                note = f"observed {seen.isoformat()}, score {score:.0%}"
            out.append((not current, -(score if score is not None else -1), taught or date.min, t.generation, t.id,
                        Candidate(t, score, taught, seen, note)))
        return [c[-1] for c in sorted(out, key=lambda c: c[:-1])]

    # -- roster CSV ------------------------------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None, today: date | str | None = None) -> str:
        """The roster as CSV text (and written to ``path`` if given)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(ROSTER_EXPORT_COLUMNS)
        for t in sorted(self.trainers.values(), key=lambda t: (t.generation, t.id)):
            score = self.observation_score(t.id)
            taught, seen = self.last_taught(t.id, today), self.last_observed(t.id)
            w.writerow([t.id, _cell(t.name), t.generation, t.trained_by, ";".join(sorted(t.modules)),
                        t.trained_on.isoformat() if t.trained_on else "",
                        t.certified_on.isoformat() if t.certified_on else "", taught.isoformat() if taught else "",
                        seen.isoformat() if seen else "", "" if score is None else f"{score:.3f}"])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_csv(cls, source: str | Path, text: str | None = None, **kwargs) -> "TrainerPool":
        """A pool from a roster file (or from ``text``, with ``source`` naming it in messages)."""
        if text is None:
            path = Path(source)
            text = read_csv_text(path, RosterCSVError)
            source = path.name
        pool = cls(**kwargs)
        for t in parse_roster(text, str(source)):
            pool.trainers[t.id] = t
        pool._check_lineage(str(source))
        return pool

    def _check_lineage(self, source: str) -> None:
        for t in self.trainers.values():
            parent = self.trainers.get(t.trained_by) if t.trained_by else None
            if parent is not None and parent.generation != t.generation - 1:
                line = getattr(t, "_line", "?")
                raise RosterCSVError(f"{source}: row {line}, column 'generation': {t.id} is generation {t.generation} "
                                     f"but trained_by {parent.id} is generation {parent.generation}")


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _generation(value: str) -> int:
    try:
        gen = int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if not 0 <= gen <= 10:
        raise ValueError(f"{gen} is outside 0 (master trainers) to 10")
    return gen


def _module(value: str) -> str:
    if not _MODULE.match(value):
        raise ValueError(f"module {value!r} must be written like 05-facilitation-questions")
    return value


def parse_roster(text: str, source: str = "roster.csv") -> list[Trainer]:
    """Trainers from roster CSV text; raises :class:`RosterCSVError` at the first bad cell (row and column)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise RosterCSVError(f"{source}: row 1: not valid CSV ({exc})") from None
    missing = [c for c in ("id", "name", "generation") if c not in header]
    if missing:
        raise RosterCSVError(f"{source}: row 1 (header): missing column(s) {', '.join(missing)}; "
                             f"the columns are {', '.join(ROSTER_COLUMNS)}")
    dup = sorted({h for h in header if header.count(h) > 1 and h})
    if dup:
        raise RosterCSVError(f"{source}: row 1 (header): column(s) {', '.join(dup)} appear twice")
    out: list[Trainer] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(out) >= MAX_ROWS:
                raise RosterCSVError(f"{source}: more than {MAX_ROWS:,} trainers; split the file")
            get = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
            where = f"{source}: row {line}"
            try:
                tid = _check_id(get["id"])
            except ValueError as exc:
                raise RosterCSVError(f"{where}, column 'id': {exc}") from None
            if tid in seen:
                raise RosterCSVError(f"{where}, column 'id': {tid!r} is already on row {seen[tid]}")
            checks = {
                "name": lambda v: clean_text(v.lstrip("'"), "name", limit=200),
                "generation": _generation,
                "trained_by": lambda v: v and _check_id(v, "trained_by"),
                "modules": lambda v: {_module(m.strip()) for m in v.split(";") if m.strip()},
                "trained_on": lambda v: as_date(v or None, "training date"),
                "certified_on": lambda v: as_date(v or None, "certification date"),
            }
            values = {"id": tid}
            for column, check in checks.items():
                try:
                    values[column] = check(get.get(column, ""))
                except ValueError as exc:
                    raise RosterCSVError(f"{where}, column {column!r}: {exc}") from None
            t = Trainer(**values)
            t._line = line  # type: ignore[attr-defined]
            seen[tid] = line
            out.append(t)
    except csv.Error as exc:
        raise RosterCSVError(f"{source}: row {reader.line_num}: not valid CSV ({exc})") from None
    return out
