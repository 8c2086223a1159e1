"""What nbgrader needs from the kit: parallel autograde of a cohort and the cohort report.

Heavy imports (nbgrader, matplotlib) happen inside the functions that need them.
"""

from __future__ import annotations

from .autograde import GradingError, SubmissionResult, grade_cohort
from .checks import Checklist

__all__ = ["Checklist", "GradingError", "SubmissionResult", "grade_cohort"]
