"""Helpers of the nbgrader layer: course copies with extra configuration, gradebook snapshots, the ttt command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import helpers


# Answers to the warm-up assignment (00-warmup) that several tests submit.
WARMUP_SOLUTION = '''def learner_share(segments):
    total = sum(m for _, m, _ in segments)
    return 0.0 if total == 0 else 100 * sum(m for _, m, a in segments if a) / total
'''
# counts segments instead of minutes: the misconception the test's feedback names
WARMUP_WRONG = '''def learner_share(segments):
    return 100 * sum(1 for *_, a in segments if a) / len(segments)
'''


def make_course(root: Path, extra_config: str = "") -> helpers.Course:
    """A copy of the kit's course; ``extra_config`` is appended to its nbgrader_config.py."""
    course = helpers.Course(root)
    if extra_config:
        cfg = course.root / "nbgrader_config.py"
        cfg.write_text(cfg.read_text() + "\n# added by the test\n" + extra_config + "\n")
    return course


def snapshot(db_url: str, assignment: str) -> dict[str, dict[str, float]]:
    """student -> {"notebook/grade_id": score, "late_penalty": ...}: everything autograde writes, via nbgrader's API."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float]] = {}
    with Gradebook(db_url) as gb:
        for sub in gb.assignment_submissions(assignment):
            row = out.setdefault(sub.student.id, {})
            row["late_penalty"] = sub.late_submission_penalty
            for nb in sub.notebooks:
                for grade in nb.grades:
                    row[f"{nb.name}/{grade.name}"] = (grade.auto_score, grade.needs_manual_grade)
    return out


def ttt(course: helpers.Course, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the `ttt` command line in the course root."""
    return subprocess.run([sys.executable, "-m", "ttt_widgets.cli", *args], cwd=course.root, capture_output=True,
                          text=True, timeout=timeout)


def new_postgres_database(server_url: str) -> str:
    """A new, empty database on the test's PostgreSQL server; returns its SQLAlchemy URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"ttt_grade_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def parse_table(stdout: str) -> dict[str, dict]:
    """The summary table of `ttt grade`: student -> score, max, status, seconds."""
    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\S+)\s+(\S+)\s+(\S+)\s+(graded|failed|flagged|skipped)\s+([\d.]+)$", line)
        if m:
            rows[m[1]] = {"score": m[2], "max": m[3], "status": m[4], "seconds": float(m[5])}
    return rows


def message(stdout: str, student: str) -> str:
    """The lines `ttt grade` printed about one student under its table."""
    return "\n".join(line for line in stdout.splitlines() if line.startswith(f"{student}: "))
