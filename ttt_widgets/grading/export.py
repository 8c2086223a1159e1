"""Grades out to a learning management system: one assignment's scores from nbgrader's gradebook as a CSV file that
Canvas or Moodle imports, or a plain CSV.

Read from the gradebook nbgrader is configured with (``db_url``: SQLite or PostgreSQL) with nbgrader's API. The
score of a submission is nbgrader's: every grade (automatic, or the manual one where a grader gave it) plus extra
credit, less the late penalty, never below 0. A student without a submission, or whose submission still waits for a
manual grade, gets an empty cell in the LMS layouts (an LMS leaves an empty cell alone instead of recording 0) and
is listed in :attr:`Export.left_empty`.

Layouts, as the LMSs document their imports:

- ``canvas``: Canvas's Gradebook CSV: ``Student`` ("Last, First"), ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment, with the ``Points Possible`` row under the header. Canvas matches a
  row by ``ID`` (the student's ``lms_user_id`` in nbgrader, when set), then ``SIS User ID`` and ``SIS Login ID``
  (the nbgrader student id; a JupyterHub user name is usually the LMS login). A new column name creates an
  assignment.
- ``moodle``: the columns of Moodle's own grade export (``First name``, ``Last name``, ``ID number``,
  ``Institution``, ``Department``, ``Email address``, then the grade item), which its CSV import reads back; map
  users by ``ID number`` (the nbgrader student id) or ``Email address``, and the grade column to the grade item.
- ``csv``: ``student_id``, names, email, ``lms_user_id``, ``raw_score``, ``late_penalty``, ``score``, ``max_score``,
  ``status`` (graded, needs manual grading, not submitted).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FORMATS", "Export", "export_grades", "grade_rows"]

FORMATS = ("csv", "canvas", "moodle")


@dataclass
class Row:
    student: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str
    raw_score: float | None
    late_penalty: float
    max_score: float
    status: str  # graded | needs manual grading | not submitted

    @property
    def score(self) -> float | None:
        if self.raw_score is None:
            return None
        return max(self.raw_score - self.late_penalty, 0.0)


@dataclass
class Export:
    """What :func:`export_grades` wrote: the file and the students whose score cell it left empty, with why."""

    path: Path
    rows: int
    left_empty: dict[str, str] = field(default_factory=dict)


def grade_rows(course_root: str | os.PathLike, assignment: str) -> list[Row]:
    """Every student of the gradebook with their score for ``assignment`` (nbgrader's API, its ``db_url``)."""
    from nbgrader.api import Gradebook, MissingEntry

    from .autograde import GradingError
    from .report import _course_app

    app = _course_app(Path(course_root).resolve(), assignment)
    rows = []
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(f"assignment {assignment!r} is not in the gradebook") from None
        max_score = float(a.max_score)
        for student in gb.students:
            base = dict(student=student.id, first_name=student.first_name or "", last_name=student.last_name or "",
                        email=student.email or "", lms_user_id=student.lms_user_id or "", max_score=max_score)
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                rows.append(Row(**base, raw_score=None, late_penalty=0.0, status="not submitted"))
                continue
            status = "needs manual grading" if sub.needs_manual_grade else "graded"
            rows.append(Row(**base, raw_score=float(sub.score), late_penalty=float(sub.late_submission_penalty or 0),
                            status=status))
    return sorted(rows, key=lambda r: r.student)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _table(rows: list[Row], assignment: str, fmt: str, partial: bool) -> tuple[list[list[str]], dict[str, str]]:
    empty: dict[str, str] = {}

    def lms_score(r: Row) -> str:
        if r.status == "not submitted" or (r.status != "graded" and not partial):
            empty[r.student] = r.status
            return ""
        return _number(r.score)

    if fmt == "csv":
        out = [["student_id", "last_name", "first_name", "email", "lms_user_id", "raw_score", "late_penalty",
                "score", "max_score", "status"]]
        out += [[r.student, r.last_name, r.first_name, r.email, r.lms_user_id, _number(r.raw_score),
                 _number(r.late_penalty), _number(r.score), _number(r.max_score), r.status] for r in rows]
        empty.update({r.student: r.status for r in rows if r.status != "graded"})
        return out, empty
    if fmt == "canvas":
        out = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
               ["    Points Possible", "", "", "", "", _number(rows[0].max_score if rows else 0)]]
        for r in rows:
            name = ", ".join(p for p in (r.last_name, r.first_name) if p) or r.student
            out.append([name, r.lms_user_id, r.student, r.student, "", lms_score(r)])
        return out, empty
    if fmt == "moodle":
        out = [["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                f"Assignment: {assignment} (Real)"]]
        for r in rows:
            out.append([r.first_name, r.last_name, r.student, "", "", r.email, lms_score(r)])
        return out, empty
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _safe(cell: str) -> str:
    """A cell a spreadsheet opens as text, never as a formula (names and ids come from the gradebook)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell) else cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_grades(course_root: str | os.PathLike, assignment: str, fmt: str = "csv",
                  output: str | os.PathLike | None = None, partial: bool = False) -> Export:
    """Write ``assignment``'s grades in the layout ``fmt`` (csv, canvas, moodle).

    ``output`` defaults to ``exports/<assignment>-<fmt>.csv`` in the course. With ``partial=True`` a submission
    still waiting for a manual grade is exported with its score so far instead of an empty cell.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    rows = grade_rows(course_root, assignment)
    table, empty = _table(rows, assignment, fmt, partial)
    path = Path(output) if output else Path(course_root).resolve() / "exports" / f"{assignment}-{fmt}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for line in table:  # the LMS layouts keep ids exactly as they are: the import matches on them
        writer.writerow([_safe(str(cell)) if fmt == "csv" else str(cell) for cell in line])
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)
    return Export(path, len(rows), empty)
