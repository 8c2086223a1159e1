"""What nbgrader needs from the kit: parallel autograde of a cohort, trainees' self-check and the cohort report.

Heavy imports (nbgrader, matplotlib) happen inside the functions that need them, and the package itself imports
nothing: the sandbox's kernel launcher (``python -m ttt_widgets.grading.sandbox``) starts once per submission and
must not pay for the autograder it is launched by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "Checklist": ".checks",
    "SelfCheck": ".selfcheck",
    "check": ".selfcheck",
    "GradingError": ".autograde",
    "SubmissionResult": ".autograde",
    "grade_cohort": ".autograde",
    "grade_assignments": ".autograde",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .autograde import GradingError, SubmissionResult, grade_assignments, grade_cohort
    from .checks import Checklist
    from .selfcheck import SelfCheck, check
