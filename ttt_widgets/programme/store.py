"""The programme store: trainers, sessions, teaching demos, observations, quiz results and pathway steps.

It lives in the kit's store (``TTT_DB_URL``, else the SQLite file ``live.sqlite`` in the data directory; a
PostgreSQL URL for a whole programme), in tables of its own (``ttt_prog_*``) with their own schema version, so the
live response store and the programme store upgrade independently. SQLAlchemy Core with bound parameters only; the
engine is the response store's (SQLite in WAL mode with a busy timeout, writers queued with ``BEGIN IMMEDIATE``).

Models in, models out: :class:`~ttt_widgets.models.pool.TrainerPool`,
:class:`~ttt_widgets.models.demo.TeachingDemo`, :class:`~ttt_widgets.models.observation.ObservationChecklist`,
:class:`~ttt_widgets.models.fidelity.QuizResult` and :class:`~ttt_widgets.models.pathway.TrainerProgress`. Every
value is checked by its model before it is written, and a roster import is all or nothing.

>>> store = ProgrammeStore("sqlite://")
>>> store.import_roster(text="id,name,generation\\nana,Ana Diaz,0\\n")
1
>>> store.pool().trainers["ana"].name
'Ana Diaz'
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from ..live.store import (ResponseStore, SchemaVersionError, StoreError, StoreUnavailable, _short, _Tx, default_url,
                          ensure_schema)
from ..models.demo import TeachingDemo, as_date, clean_text
from ..models.fidelity import QuizResult, RetentionEstimate, estimate_retention
from ..models.observation import ObservationChecklist
from ..models.pathway import Pathway, PathwayRules, PathwayStatus, TrainerProgress
from ..models.pool import RosterCSVError, Trainer, TrainerPool, parse_roster

__all__ = ["ProgrammeStore", "PROGRAMME_SCHEMA_VERSION", "StoreError", "SchemaVersionError", "StoreUnavailable"]

#: version of the ttt_prog_* tables; a store written by a newer kit is refused with a clear message
PROGRAMME_SCHEMA_VERSION = 1
#: pathway steps recorded as events (the demo and the observation come from their own tables)
EVENT_STEPS = ("modules", "assignments", "co_facilitated")

metadata = sa.MetaData()
meta_t = sa.Table("ttt_prog_meta", metadata, sa.Column("key", sa.String(50), primary_key=True),
                  sa.Column("value", sa.String(200), nullable=False))
trainers_t = sa.Table(
    "ttt_prog_trainers", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("trained_by", sa.String(100), nullable=True),
    sa.Column("certified_on", sa.String(10), nullable=True),
    sa.Column("trained_on", sa.String(10), nullable=True),
    sa.Column("updated", sa.Float, nullable=False),
)
certifications_t = sa.Table(
    "ttt_prog_certifications", metadata,
    sa.Column("trainer_id", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), primary_key=True),
    sa.Column("module", sa.String(100), primary_key=True),
)
sessions_t = sa.Table(  # teaching sessions: a past date was taught, a future one is a booking
    "ttt_prog_sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainer_id", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), nullable=False, index=True),
    sa.Column("module", sa.String(100), nullable=False),
    sa.Column("held_on", sa.String(10), nullable=False),
)
demos_t = sa.Table(
    "ttt_prog_demos", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), nullable=False, index=True),
    sa.Column("rubric", sa.String(100), nullable=False),
    sa.Column("held_on", sa.String(10), nullable=False),
    sa.Column("result", sa.String(20), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    # one demo per trainee, rubric and day: observers on separate devices add their sheets to it
    sa.UniqueConstraint("trainee", "rubric", "held_on", name="uq_ttt_prog_demo"),
)
observations_t = sa.Table(
    "ttt_prog_observations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainer_id", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), nullable=False, index=True),
    sa.Column("module", sa.String(100), nullable=False),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("observed_on", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)
quiz_t = sa.Table(
    "ttt_prog_quiz_results", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainer_id", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), nullable=False, index=True),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("learner", sa.String(200), nullable=False),
    sa.Column("quiz", sa.String(200), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("taken_on", sa.String(10), nullable=True),
    sa.UniqueConstraint("trainer_id", "learner", "quiz", name="uq_ttt_prog_quiz"),
)
steps_t = sa.Table(  # pathway events: a module done, an assignment's score, a co-facilitated session
    "ttt_prog_steps", metadata,
    sa.Column("trainer_id", sa.String(100), sa.ForeignKey("ttt_prog_trainers.id"), primary_key=True),
    sa.Column("step", sa.String(30), primary_key=True),
    sa.Column("item", sa.String(200), primary_key=True),
    sa.Column("done_on", sa.String(10), nullable=True),
    sa.Column("value", sa.Float, nullable=True),
)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class ProgrammeStore:
    """Trainers and everything observed of them (see the module docstring).

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; default ``TTT_DB_URL`` or the kit's SQLite file.
    timeout : float
        Seconds a SQLite writer waits for the lock, or PostgreSQL waits to connect.
    """

    def __init__(self, url: str | None = None, timeout: float = 10.0) -> None:
        self._base = ResponseStore(url or default_url(), timeout=timeout)  # its engine set-up, not its tables
        self.url = self._base.url
        self._lock = threading.Lock()
        self._ready = False

    def __repr__(self) -> str:
        return f"ProgrammeStore({self.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self._base.close()
        self._ready = False

    # -- transactions ----------------------------------------------------------------------------------------
    def _run(self, fn, write: bool = False, attempts: int = 1):
        """``fn(conn)`` in one transaction; a write that meets a concurrent one's unique key is tried again up to
        ``attempts`` times in all (it then sees the other's row)."""
        self._ensure_schema()
        for attempt in range(attempts):
            try:
                conn = self._base.engine.connect()
                if write:
                    conn = conn.execution_options(ttt_write=True)
                with conn, conn.begin():
                    return fn(conn)
            except IntegrityError as exc:
                if attempt < attempts - 1:
                    continue
                raise StoreError(f"the programme store refused the write: {_short(exc)}") from None
            except (OperationalError, DBAPIError) as exc:
                raise StoreUnavailable(f"the programme store at {self!r} cannot be reached: "
                                       f"{_short(exc)}") from exc
        raise AssertionError("unreachable")

    def _ensure_schema(self) -> None:
        with self._lock:
            if self._ready:
                return

            def begin():
                conn = self._base.engine.connect().execution_options(ttt_write=True)
                return _Tx(conn)

            ensure_schema(begin, metadata, meta_t, PROGRAMME_SCHEMA_VERSION, lock_key=7_437_015,
                          what=f"the programme store at {self!r}")
            self._ready = True

    def schema_version(self) -> int:
        return int(self._run(lambda c: c.execute(sa.select(meta_t.c.value)
                                                 .where(meta_t.c.key == "schema_version")).scalar()))

    # -- trainers --------------------------------------------------------------------------------------------
    @staticmethod
    def _trainer_ids(conn) -> dict[str, int]:
        return {r.id: r.generation for r in conn.execute(sa.select(trainers_t.c.id, trainers_t.c.generation))}

    @staticmethod
    def _write_trainer(conn, t: Trainer, trained_on: date | None = None) -> None:
        values = {"name": t.name, "generation": t.generation, "trained_by": t.trained_by or None,
                  "certified_on": _iso(t.certified_on), "updated": time.time()}
        trained_on = trained_on or t.trained_on
        if trained_on is not None:  # an update without a training date keeps the one stored
            values["trained_on"] = _iso(trained_on)
        done = conn.execute(trainers_t.update().where(trainers_t.c.id == t.id).values(**values)).rowcount
        if not done:
            conn.execute(trainers_t.insert().values(id=t.id, **values))
        conn.execute(certifications_t.delete().where(certifications_t.c.trainer_id == t.id))
        if t.modules:
            conn.execute(certifications_t.insert(), [{"trainer_id": t.id, "module": m} for m in sorted(t.modules)])

    @staticmethod
    def _check_parent(known: dict[str, int], t: Trainer, where: str = "") -> None:
        if t.trained_by and t.trained_by in known and known[t.trained_by] != t.generation - 1:
            raise ValueError(f"{where}{t.id} is generation {t.generation} but was trained by {t.trained_by} of "
                             f"generation {known[t.trained_by]}: a trainer is one generation below whoever trained them")

    def add_trainer(self, trainer: Trainer, trained_on: date | str | None = None) -> None:
        """Add or update one trainer (and the modules they are certified for)."""
        trained = as_date(trained_on, "training date")

        def work(conn):
            self._check_parent(self._trainer_ids(conn), trainer)
            self._write_trainer(conn, trainer, trained)
        self._run(work, write=True)

    def import_roster(self, path: str | Path | None = None, text: str | None = None) -> int:
        """Import a roster CSV (see :mod:`ttt_widgets.models.pool`): new trainers are added, known ones updated.

        All or nothing: a bad cell raises :class:`~ttt_widgets.models.pool.RosterCSVError` naming its row and
        column, and the store is left as it was. Returns the number of trainers imported.
        """
        if text is None:
            if path is None:
                raise ValueError("give the roster's path or its text")
            pool = TrainerPool.from_csv(path)  # reads, parses and checks lineage within the file
            trainers = list(pool.trainers.values())
            source = Path(path).name
        else:
            source = str(path or "roster.csv")
            trainers = parse_roster(text, source)
            TrainerPool.from_csv(source, text)  # lineage within the file

        def work(conn):
            known = self._trainer_ids(conn)
            known.update({t.id: t.generation for t in trainers})
            for t in trainers:
                try:
                    self._check_parent(known, t)
                except ValueError as exc:
                    raise RosterCSVError(f"{source}: row {getattr(t, '_line', '?')}, column 'generation': {exc}") from None
            for t in trainers:
                self._write_trainer(conn, t)
            return len(trainers)
        return self._run(work, write=True)

    def export_roster(self, path: str | Path | None = None, today: date | str | None = None) -> str:
        """The roster as CSV (with last taught, last observed and observation score), written to ``path`` if given."""
        return self.pool().to_csv(path, today=today)

    def record_session(self, trainer_id: str, module: str, on: date | str) -> None:
        """A session taught (past date) or booked (future date)."""
        held = as_date(on, "session date")
        module = clean_text(module, "module", limit=100)
        self._run(lambda c: (self._require(c, trainer_id),
                             c.execute(sessions_t.insert().values(trainer_id=trainer_id, module=module,
                                                                  held_on=_iso(held)))), write=True)

    @staticmethod
    def _require(conn, trainer_id: str) -> None:
        if conn.execute(sa.select(trainers_t.c.id).where(trainers_t.c.id == trainer_id)).first() is None:
            raise ValueError(f"no trainer {trainer_id!r} in the programme: add them to the roster first")

    def pool(self, reobserve_every_days: int = 365) -> TrainerPool:
        """The whole pool, with sessions and observation scores."""
        def work(conn):
            mods: dict[str, set] = {}
            for r in conn.execute(sa.select(certifications_t)):
                mods.setdefault(r.trainer_id, set()).add(r.module)
            pool = TrainerPool(reobserve_every_days=reobserve_every_days)
            rows = conn.execute(sa.select(trainers_t).order_by(trainers_t.c.generation, trainers_t.c.id)).all()
            for r in rows:  # parents first (by generation), so the pool's lineage check holds
                pool.trainers[r.id] = Trainer(r.id, r.name, r.generation, r.trained_by or "", mods.get(r.id, set()),
                                              r.certified_on, r.trained_on)
            for r in conn.execute(sa.select(sessions_t).order_by(sessions_t.c.id)):
                pool.sessions.append((r.trainer_id, r.module, date.fromisoformat(r.held_on)))
            for r in conn.execute(sa.select(observations_t).where(observations_t.c.score.is_not(None))
                                  .order_by(observations_t.c.id)):
                pool.observations.append((r.trainer_id, r.module, date.fromisoformat(r.observed_on), r.score))
            return pool
        return self._run(work)

    # -- demos and observations ------------------------------------------------------------------------------
    @staticmethod
    def _demo_row(demo: TeachingDemo) -> dict:
        out = demo.outcome()
        return {"trainee": demo.trainee, "rubric": demo.rubric.id, "held_on": _iso(demo.held_on),
                "result": out.result, "score": out.score, "data": json.dumps(demo.as_dict()), "created": time.time()}

    @staticmethod
    def _observation_row(c: ObservationChecklist) -> dict:
        return {"trainer_id": c.trainer, "module": c.module, "generation": c.generation,
                "observed_on": _iso(c.observed_on), "score": c.score(), "data": json.dumps(c.as_dict()),
                "created": time.time()}

    def save_demo(self, demo: TeachingDemo, demo_id: int | None = None) -> int:
        """Store a demo; returns its id.

        Observers' sheets merge: when a demo of the same trainee, rubric and day is stored, this demo's sheets are
        added to it (an observer's earlier sheet is replaced), so observers scoring on separate devices make one
        demo whose outcome is theirs together. With ``demo_id``, that demo is replaced as a whole.
        """
        def work(conn):
            self._require(conn, demo.trainee)
            if demo_id is not None:
                if not conn.execute(demos_t.update().where(demos_t.c.id == demo_id).values(**self._demo_row(demo))).rowcount:
                    raise ValueError(f"no demo {demo_id} to replace")
                return demo_id
            found = conn.execute(sa.select(demos_t.c.id, demos_t.c.data).where(
                demos_t.c.trainee == demo.trainee, demos_t.c.rubric == demo.rubric.id,
                demos_t.c.held_on == _iso(demo.held_on)).with_for_update()).first()
            if found is None:
                return conn.execute(demos_t.insert().values(**self._demo_row(demo)).returning(demos_t.c.id)).scalar_one()
            merged = TeachingDemo.from_dict(json.loads(found.data), rubric=demo.rubric)
            merged.sheets.update(demo.sheets)
            conn.execute(demos_t.update().where(demos_t.c.id == found.id).values(**self._demo_row(merged)))
            return found.id
        return self._run(work, write=True, attempts=3)

    def demos(self, trainee: str | None = None) -> list[tuple[int, TeachingDemo]]:
        """``(id, demo)`` pairs, oldest first (of one trainee if given)."""
        q = sa.select(demos_t.c.id, demos_t.c.data).order_by(demos_t.c.held_on, demos_t.c.id)
        if trainee is not None:
            q = q.where(demos_t.c.trainee == trainee)
        return [(r.id, TeachingDemo.from_dict(json.loads(r.data))) for r in self._run(lambda c: c.execute(q).all())]

    def save_observation(self, checklist: ObservationChecklist) -> int:
        """Store a filled-in fidelity checklist; returns its id."""
        row = self._observation_row(checklist)

        def work(conn):
            self._require(conn, checklist.trainer)
            return conn.execute(observations_t.insert().values(**row).returning(observations_t.c.id)).scalar_one()
        return self._run(work, write=True)

    def observations(self, trainer: str | None = None) -> list[ObservationChecklist]:
        q = sa.select(observations_t.c.data).order_by(observations_t.c.observed_on, observations_t.c.id)
        if trainer is not None:
            q = q.where(observations_t.c.trainer_id == trainer)
        return [ObservationChecklist.from_dict(json.loads(r.data)) for r in self._run(lambda c: c.execute(q).all())]

    # -- quiz results ----------------------------------------------------------------------------------------
    def add_quiz_results(self, results: Iterable[QuizResult]) -> int:
        """Store learners' quiz results (a learner's newer result on the same quiz with the same trainer
        replaces the older one); returns how many were written."""
        rows = [{"trainer_id": q.trainer, "generation": q.generation,
                 "learner": clean_text(q.learner, "learner", limit=200), "quiz": clean_text(q.quiz, "quiz", limit=200),
                 "score": float(q.score), "max_score": float(q.max_score), "taken_on": _iso(as_date(q.taken_on))}
                for q in results]

        def work(conn):
            known = self._trainer_ids(conn)
            for r in rows:
                if r["trainer_id"] not in known:
                    raise ValueError(f"no trainer {r['trainer_id']!r} in the programme: add them to the roster first")
            if not rows:
                return 0
            from ..live.store import _insert  # the dialect's INSERT with ON CONFLICT

            stmt = _insert(conn)(quiz_t)
            stmt = stmt.on_conflict_do_update(
                index_elements=["trainer_id", "learner", "quiz"],
                set_={c: stmt.excluded[c] for c in ("generation", "score", "max_score", "taken_on")})
            conn.execute(stmt, rows)
            return len(rows)
        return self._run(work, write=True)

    def quiz_results(self) -> list[QuizResult]:
        rows = self._run(lambda c: c.execute(sa.select(quiz_t).order_by(quiz_t.c.id)).all())
        return [QuizResult(r.trainer_id, r.generation, r.learner, r.quiz, r.score, r.max_score,
                           date.fromisoformat(r.taken_on) if r.taken_on else None) for r in rows]

    def retention(self, **kwargs: Any) -> RetentionEstimate:
        """:func:`~ttt_widgets.models.fidelity.estimate_retention` on everything stored."""
        return estimate_retention(self.observations(), self.quiz_results(), **kwargs)

    # -- pathway ---------------------------------------------------------------------------------------------
    def record_step(self, trainer_id: str, step: str, item: str = "", on: date | str | None = None,
                    value: float | None = None) -> None:
        """A pathway event: ``("modules", "03-adult-learners")``, ``("assignments", "01-objectives", value=0.85)``
        or ``("co_facilitated", "", on=...)``. Recording it again replaces it."""
        if step not in EVENT_STEPS:
            raise ValueError(f"{step!r} is not a step recorded here (steps: {', '.join(EVENT_STEPS)}; demos and "
                             "observations are saved with save_demo and save_observation)")
        item = clean_text(item, "item", limit=200, required=False)
        when = as_date(on, "date")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1):
            raise ValueError(f"a step's value is a share from 0 to 1, got {value!r}")

        def work(conn):
            self._require(conn, trainer_id)
            key = (steps_t.c.trainer_id == trainer_id) & (steps_t.c.step == step) & (steps_t.c.item == item)
            conn.execute(steps_t.delete().where(key))
            conn.execute(steps_t.insert().values(trainer_id=trainer_id, step=step, item=item, done_on=_iso(when),
                                                 value=value))
        self._run(work, write=True)

    def import_gradebook(self, course_root: str | Path, assignments: Iterable[str]) -> int:
        """Each trainer's share of the points on ``assignments``, read from the course's nbgrader gradebook
        (students whose id is a trainer's id); returns how many scores were recorded."""
        from ..grading.report import cohort_table

        return sum(self.record_assignment_scores(cohort_table(course_root, a)) for a in assignments)

    def record_assignment_scores(self, table: Any) -> int:
        """Record the scores of one assignment's :class:`~ttt_widgets.grading.report.CohortTable` for the students
        who are trainers; returns how many were recorded."""
        trainers = set(self._run(self._trainer_ids))
        total = sum(table.max_points.values())
        n = 0
        for student, score in table.totals().items():
            if student in trainers and total:
                self.record_step(student, "assignments", table.assignment, value=min(1.0, score / total))
                n += 1
        return n

    def progress(self, trainer_id: str | None = None) -> dict[str, TrainerProgress]:
        """trainer -> :class:`TrainerProgress` assembled from steps, demos and observations."""
        def work(conn):
            q = sa.select(trainers_t.c.id, trainers_t.c.trained_on, trainers_t.c.certified_on)
            if trainer_id is not None:
                q = q.where(trainers_t.c.id == trainer_id)
            out = {r.id: TrainerProgress(r.id, trained_on=r.trained_on, certified_on=r.certified_on)
                   for r in conn.execute(q)}
            for r in conn.execute(sa.select(steps_t)):
                p = out.get(r.trainer_id)
                if p is None:
                    continue
                when = date.fromisoformat(r.done_on) if r.done_on else None
                if r.step == "modules":
                    p.modules_done.add(r.item)
                    if when:
                        p.module_done_on[r.item] = when
                elif r.step == "assignments" and r.value is not None:
                    p.assignment_scores[r.item] = r.value
                    if when:
                        p.assignment_done_on[r.item] = when
                elif r.step == "co_facilitated":
                    p.co_facilitated_on = max(filter(None, (p.co_facilitated_on, when)), default=None)
            for r in conn.execute(sa.select(demos_t.c.trainee, demos_t.c.result, demos_t.c.held_on)
                                  .order_by(demos_t.c.held_on)):
                p = out.get(r.trainee)
                if p is None:
                    continue
                if r.result == "pass" and p.demo_passed_on is None:
                    p.demo_passed_on = date.fromisoformat(r.held_on)
                elif r.result == "redo":
                    p.demo_redos += 1
            for r in conn.execute(sa.select(observations_t.c.trainer_id, observations_t.c.observed_on,
                                            observations_t.c.score).order_by(observations_t.c.observed_on,
                                                                             observations_t.c.id)):
                p = out.get(r.trainer_id)
                if p is not None and r.score is not None:  # the latest observation counts
                    p.observed_on, p.observation_score = date.fromisoformat(r.observed_on), r.score
            return out
        return self._run(work)

    def statuses(self, rules: PathwayRules | None = None, today: date | str | None = None) -> dict[str, PathwayStatus]:
        """Every trainer's pathway status."""
        path = Pathway(rules)
        return {t: path.status(p, today) for t, p in self.progress().items()}

    def load_programme(self, programme: Any) -> None:
        """Store a :func:`~ttt_widgets.models.fidelity.synthetic_programme` (for demonstrations and tests)."""
        progress = {p.trainer: p for p in programme.progress}
        trainers = sorted(programme.pool.trainers.values(), key=lambda t: t.generation)

        def work(conn):
            for t in trainers:
                p = progress.get(t.id)
                self._write_trainer(conn, t, p.trained_on if p else None)
            sessions = [{"trainer_id": tid, "module": m, "held_on": _iso(d)} for tid, m, d in programme.pool.sessions]
            if sessions:
                conn.execute(sessions_t.insert(), sessions)
            for p in programme.progress:
                rows = [{"trainer_id": p.trainer, "step": "modules", "item": m, "done_on": None, "value": None}
                        for m in sorted(p.modules_done)]
                if p.co_facilitated_on:
                    rows.append({"trainer_id": p.trainer, "step": "co_facilitated", "item": "",
                                 "done_on": _iso(p.co_facilitated_on), "value": None})
                if rows:
                    conn.execute(steps_t.insert(), rows)
            if programme.demos:
                conn.execute(demos_t.insert(), [self._demo_row(d) for d in programme.demos])
            if programme.checklists:
                conn.execute(observations_t.insert(), [self._observation_row(c) for c in programme.checklists])
        self._run(work, write=True)
        self.add_quiz_results(programme.quiz_results)
