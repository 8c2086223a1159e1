"""A cohort report of one assignment, read from nbgrader's gradebook: a CSV and three figures.

- ``<assignment>-scores.csv``: one row per student, one column per graded item (then total and max).
- ``<assignment>-distribution.png``: the distribution of total scores.
- ``<assignment>-items.png``: each item's mean score as a share of its points.
- ``<assignment>-most-missed.png``: the items most missed, each labelled with the module to revisit.
- ``<assignment>-report.md``: the items most missed, each linked to the curriculum module to revisit (from the
  course's ``curriculum.yaml``), with the figures and their alt text.

>>> from ttt_widgets.grading.report import cohort_table
>>> table = cohort_table("assignments", "01-objectives")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CohortTable", "cohort_table", "course_overview", "write_report", "curriculum_links"]


@dataclass
class CohortTable:
    """Scores of a cohort: ``scores[student][item]`` and each item's points."""

    assignment: str
    items: list[str]  # "notebook/grade_id", in notebook then cell order
    max_points: dict[str, float]
    scores: dict[str, dict[str, float]]
    manual_pending: dict[str, set[str]]

    def totals(self) -> dict[str, float]:
        return {s: sum(row.values()) for s, row in self.scores.items()}

    def item_means(self) -> dict[str, float]:
        """Mean share (0..1) of each item's points over the cohort."""
        n = len(self.scores)
        return {i: (sum(row.get(i, 0.0) for row in self.scores.values()) / n / self.max_points[i]
                    if n and self.max_points[i] else 0.0) for i in self.items}

    def graded_means(self) -> dict[str, float]:
        """Mean share (0..1) of each item's points over the submissions where it is graded: a manually graded
        item still waiting for a grader is left out (its 0 is not a score), and an item nobody's grade is in yet
        is not listed."""
        out = {}
        for item in self.items:
            rows = [row.get(item, 0.0) for student, row in self.scores.items()
                    if item not in self.manual_pending.get(student, set())]
            if rows and self.max_points[item]:
                out[item] = sum(rows) / len(rows) / self.max_points[item]
        return out

    def most_missed(self, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` graded items with the lowest mean share, lowest first; an item everyone scored in full was
        not missed and is not listed."""
        means = [(item, mean) for item, mean in self.graded_means().items() if mean < 1.0]
        return sorted(means, key=lambda kv: (kv[1], kv[0]))[:k]

    def why_none_missed(self) -> str:
        """The sentence to show instead of an empty list of items most missed."""
        if self.graded_means():
            return "None: every graded item scored full points."
        return "None yet: every item still waits for a grader."


def _course_app(course_root: Path, assignment: str):
    from .autograde import GradingError, load_nbgrader_app

    if not (course_root / "nbgrader_config.py").exists():
        raise GradingError(f"{course_root} is not an nbgrader course root (no nbgrader_config.py)")
    return load_nbgrader_app(course_root, assignment)


@dataclass(frozen=True)
class CourseOverview:
    """Who is in the course's gradebook and who submitted each assignment."""

    students: list[str]
    assignments: list[str]
    submitted: dict[str, set[str]]


def course_overview(course_root: str | os.PathLike) -> CourseOverview:
    """Students, assignments and submissions, read (only read) from the course's configured gradebook.

    Follows nbgrader's ``db_url`` (SQLite by default, PostgreSQL when configured). A SQLite gradebook is opened
    read-only, so a dashboard can never change it; a missing one gives a :class:`GradingError` in plain words.
    """
    from nbgrader.api import Assignment, Student, SubmittedAssignment
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session

    from .autograde import GradingError

    course_root = Path(course_root).resolve()
    if not (course_root / "nbgrader_config.py").is_file():
        raise GradingError(f"There is no nbgrader course in {course_root}: set TTT_COURSE to the course folder.")
    url = make_url(_course_app(course_root, "").coursedir.db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not url.database or not path.is_file():
            raise GradingError("No gradebook yet: nothing has been graded in this course. "
                               "Collect the submissions and run ttt grade first.")
        url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            students = sorted(st.id for st in db.query(Student))
            assignments = sorted(a.name for a in db.query(Assignment))
            submitted: dict[str, set[str]] = {a: set() for a in assignments}
            for sub in db.query(SubmittedAssignment):
                submitted[sub.assignment.name].add(sub.student.id)
    except Exception as exc:  # noqa: BLE001 - say it plainly: the page must still open
        raise GradingError(f"The gradebook cannot be read ({type(exc).__name__}): check db_url in "
                           "nbgrader_config.py.") from None
    finally:
        engine.dispose()
    if not assignments:
        raise GradingError("The gradebook has no assignments yet.")
    return CourseOverview(students, assignments, submitted)


def cohort_table(course_root: str | os.PathLike, assignment: str) -> CohortTable:
    """Read every submission of ``assignment`` from the course's gradebook (its configured ``db_url``)."""
    from nbgrader.api import Gradebook, MissingEntry

    from .autograde import GradingError

    app = _course_app(Path(course_root).resolve(), assignment)
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(f"assignment {assignment!r} is not in the gradebook") from None
        items: list[str] = []
        max_points: dict[str, float] = {}
        for nb in a.notebooks:
            for cell in sorted(nb.grade_cells, key=lambda c: c.id):
                key = f"{nb.name}/{cell.name}"
                items.append(key)
                max_points[key] = float(cell.max_score)
        order = {}
        for nb in a.notebooks:  # the notebook's own cell order, from its source cells
            for i, cell in enumerate(nb.source_cells):
                order[f"{nb.name}/{cell.name}"] = i
        items.sort(key=lambda k: (k.split("/")[0], order.get(k, 0)))
        scores: dict[str, dict[str, float]] = {}
        pending: dict[str, set[str]] = {}
        for sub in gb.assignment_submissions(assignment):
            row = scores.setdefault(sub.student.id, {})
            for nb in sub.notebooks:
                for grade in nb.grades:
                    key = f"{nb.name}/{grade.name}"
                    row[key] = float(grade.score)
                    if grade.needs_manual_grade:
                        pending.setdefault(sub.student.id, set()).add(key)
    return CohortTable(assignment, items, max_points, dict(sorted(scores.items())), pending)


def curriculum_links(course_root: str | os.PathLike, assignment: str,
                     relative_to: str | os.PathLike | None = None) -> dict[str, dict]:
    """item (or ``*`` for the whole assignment) -> {"module", "title", "path"} from the course's ``curriculum.yaml``.

    ``path`` is the module's notebook (``notebooks/<id>-*.ipynb`` next to the course root), relative to
    ``relative_to`` (the folder the link is written in; default: the course root).
    """
    import yaml

    path = Path(course_root) / "curriculum.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    modules = data.get("modules", {})
    entry = data.get("assignments", {}).get(assignment, {})
    notebooks = Path(course_root).resolve().parent / "notebooks"
    base = Path(relative_to or course_root).resolve()

    def link(module: str) -> dict:
        found = sorted(notebooks.glob(f"{module}-*.ipynb"))
        target = found[0] if found else notebooks / f"{module}-*.ipynb"
        path = Path(os.path.relpath(target, base)).as_posix()
        return {"module": f"module {module}", "title": modules[module].get("title", ""), "path": path}

    links = {}
    default = str(entry.get("module", ""))
    if default in modules:
        links["*"] = link(default)
    for item, module in (entry.get("items") or {}).items():
        if str(module) in modules:
            links[item] = link(str(module))
    return links


def _figures(table: CohortTable, out: Path, links: dict, top: int) -> list[tuple[Path, str]]:
    import numpy as np

    from ..plots import HATCHES, PALETTE, figure_png, new_figure

    written = []
    totals = np.array(list(table.totals().values()) or [0.0])
    full = sum(table.max_points.values()) or 1.0
    fig, ax = new_figure(6, 3.5)
    bins = np.linspace(0, full, min(int(full), 20) + 1) if full >= 1 else 10
    ax.hist(totals, bins=bins, color=PALETTE[0], edgecolor="black", hatch=HATCHES[0])
    ax.set_xlabel(f"total score (of {full:g} points)")
    ax.set_ylabel("students")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # students come whole
    ax.set_title(f"{table.assignment}: score distribution ({len(table.scores)} students)")
    alt = (f"Histogram of total scores of {len(table.scores)} students in {table.assignment}: median "
           f"{np.median(totals):g} of {full:g} points, lowest {totals.min():g}, highest {totals.max():g}.")
    path = out / f"{table.assignment}-distribution.png"
    path.write_bytes(figure_png(fig))
    written.append((path, alt))

    means = table.item_means()
    fig, ax = new_figure(6, 1.2 + 0.4 * max(len(table.items), 1))
    labels = [i.split("/", 1)[1] for i in table.items]
    values = [100 * means[i] for i in table.items]
    ax.barh(labels, values, color=PALETTE[1], edgecolor="black", hatch=HATCHES[1])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean score, % of the item's points")
    ax.set_title(f"{table.assignment}: mean score per item")
    alt = "Mean score per item: " + "; ".join(f"{lab} {v:.0f}%" for lab, v in zip(labels, values)) + "."
    path = out / f"{table.assignment}-items.png"
    path.write_bytes(figure_png(fig))
    written.append((path, alt))

    missed = table.most_missed(top)
    fig, ax = new_figure(6, 1.2 + 0.5 * max(len(missed), 1))
    labels = []
    for item, _ in missed:
        grade_id = item.split("/", 1)[1]
        link = links.get(grade_id) or links.get("*")
        labels.append(f"{grade_id}\n(revisit {link['module']})" if link else grade_id)
    values = [100 * (1 - mean) for _, mean in missed]
    ax.barh(labels, values, color=PALETTE[5], edgecolor="black", hatch=HATCHES[2])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("points missed, % of the item's points")
    ax.set_title(f"{table.assignment}: items most missed")
    alt = "Items most missed: " + "; ".join(
        f"{lab.splitlines()[0]} {v:.0f}% missed" + (f", revisit {lab.splitlines()[1][9:-1]}" if "\n" in lab else "")
        for lab, v in zip(labels, values)) + "."
    path = out / f"{table.assignment}-most-missed.png"
    path.write_bytes(figure_png(fig))
    written.append((path, alt))
    return written


def write_report(course_root: str | os.PathLike, assignment: str, output: str | os.PathLike | None = None,
                 top: int = 3) -> list[Path]:
    """Write the CSV, the figures and the Markdown summary; returns the paths written."""
    course_root = Path(course_root).resolve()
    table = cohort_table(course_root, assignment)
    out = Path(output) if output else course_root / "reports" / assignment
    out.mkdir(parents=True, exist_ok=True)

    csv_path = out / f"{assignment}-scores.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *table.items, "total", "max", "needs_manual_grade"])
        top_points = sum(table.max_points.values())
        for student, row in table.scores.items():
            writer.writerow([student, *(f"{row.get(i, 0.0):g}" for i in table.items),
                             f"{sum(row.values()):g}", f"{top_points:g}",
                             " ".join(sorted(table.manual_pending.get(student, ())))])
    written = [csv_path]
    links = curriculum_links(course_root, assignment, relative_to=out)
    figures = _figures(table, out, links, top)
    written += [p for p, _ in figures]

    lines = [f"# Cohort report: {assignment}", "", f"{len(table.scores)} submissions, "
             f"{sum(table.max_points.values()):g} points in {len(table.items)} graded items.", ""]
    for path, alt in figures:
        lines += [f"![{alt}]({path.name})", ""]
    lines += ["## Items most missed", ""]
    missed = table.most_missed(top)
    lines += ["| item | mean score | revisit |", "|---|---|---|"] if missed else [table.why_none_missed()]
    for item, mean in missed:
        grade_id = item.split("/", 1)[1]
        link = links.get(grade_id) or links.get("*")
        where = f"[{link['module']} {link['title']}]({link['path']})" if link else "-"
        lines.append(f"| {grade_id} | {100 * mean:.0f}% | {where} |")
    if any(table.manual_pending.values()):
        lines += ["", "Manually graded items still wait for a grader (scored 0 here): run `nbgrader formgrader`."]
    md = out / f"{assignment}-report.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(md)
    return written
