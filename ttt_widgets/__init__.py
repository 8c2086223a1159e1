"""Train-the-Trainer Workshop Kit: ipywidgets components for training trainers.

The public API is re-exported here and imported lazily, so ``import ttt_widgets`` stays fast: ipywidgets,
matplotlib and SQLAlchemy load only when a name that needs them is first used.

>>> import ttt_widgets
>>> quiz = ttt_widgets.Quiz("trainer-role")
"""

from __future__ import annotations

from ._lazy import lazy_exports
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package); one block per family
_EXPORTS: dict[str, str] = {
    # content
    "ContentError": ".loader",
    "load_content": ".loader",
    "list_content": ".loader",
    # [A] quiz
    "QuizModel": ".models.quiz",
    "QuizError": ".models.quiz",
    "Quiz": ".views.quiz",
    "Review": ".views.review",
    "ReviewDeck": ".models.review",
    "FixedClock": ".models.review",
    # [B] learning design
    "analyze_objective": ".models.objectives",
    "ObjectiveAnalysis": ".models.objectives",
    "ObjectiveDraft": ".models.objectives",
    "ObjectiveBuilder": ".views.objectives",
    "classify_question": ".models.questions",
    "QuestionAnalysis": ".models.questions",
    "QuestionPractice": ".models.questions",
    "QuestionCoach": ".views.questions",
    "LessonPlan": ".models.lesson",
    "Segment": ".models.lesson",
    "LessonPlanner": ".views.lesson",
    "MCQItem": ".models.mcq",
    "MCQWorkshop": ".views.mcq",
    "FeedbackRubric": ".models.feedback",
    "PeerFeedback": ".views.feedback",
    # [C] simulators and facilitation tools
    "fit_forgetting_curve": ".models.memory",
    "FittedCurve": ".models.memory",
    "SpacingModel": ".models.memory",
    "ebbinghaus_data": ".models.memory",
    "ForgettingCurve": ".views.memory",
    "LeitnerScheduler": ".models.leitner",
    "Cascade": ".models.cascade",
    "CascadeResult": ".models.cascade",
    "CascadeSolution": ".models.cascade",
    "solve_cascade": ".models.cascade",
    "CascadePlanner": ".views.cascade",
    "ParticipationLog": ".models.participation",
    "gini": ".models.participation",
    "ParticipationTracker": ".views.participation",
    "ActivityTimerModel": ".models.timer",
    "ActivityTimer": ".views.timer",
    "GroupMakerModel": ".models.groups",
    "GroupMaker": ".views.groups",
    "EvaluationPlan": ".models.evaluation",
    "EvaluationResults": ".models.evaluation",
    "EvaluationCSVError": ".models.evaluation",
    "EvaluationPlanner": ".views.evaluation",
    "EvaluationReport": ".views.evaluation",
    "BlendedProgramme": ".models.blended",
    "BlendedDesigner": ".views.blended",
    # [D] live classroom
    "ResponseStore": ".live.store",
    "join": ".live.identity",
    "Poll": ".live.trainee",
    "Scale": ".live.trainee",
    "WordWall": ".live.trainee",
    "QuestionQueue": ".live.trainee",
    "StatusCard": ".live.trainee",
    "ExitTicket": ".live.trainee",
    "LiveResults": ".live.lead",
    "WordWallBoard": ".live.lead",
    "QuestionBoard": ".live.lead",
    "StatusBoard": ".live.lead",
    "ExitTicketBoard": ".live.lead",
    "LiveDashboard": ".live.lead",
    # [F] grading
    "Checklist": ".grading.checks",
    "grade_cohort": ".grading.autograde",
    "GradingError": ".grading.autograde",
    "write_report": ".grading.report",
    # [G] dashboards (the cohort-progress page reads the gradebook through the grading report's functions)
    "cohort_table": ".grading.report",
    "course_overview": ".grading.report",
    "curriculum_links": ".grading.report",
    # [G] dashboards: a chooser whose list is read again keeps the lead's pick
    "replace_options": ".views._common",
    "on_pick": ".views._common",
    # [L] running a train-the-trainer programme
    "DemoRubric": ".models.demo",
    "TeachingDemo": ".models.demo",
    "ObservationChecklist": ".models.observation",
    "Pathway": ".models.pathway",
    "PathwayRules": ".models.pathway",
    "TrainerProgress": ".models.pathway",
    "Trainer": ".models.pool",
    "TrainerPool": ".models.pool",
    "RosterCSVError": ".models.pool",
    "QuizResult": ".models.fidelity",
    "estimate_retention": ".models.fidelity",
    "synthetic_programme": ".models.fidelity",
    "ProgrammeStore": ".programme.store",
    "TrainerPoolBoard": ".views.programme",
    "DemoScorer": ".views.programme",
    "ObservationScorer": ".views.programme",
    # [L] curriculum: is training the answer? (module 04)
    "PerformanceAnalysis": ".models.performance",
    "PerformanceCheck": ".views.performance",
    # [L] curriculum: planning for transfer (module 09)
    "TransferPlan": ".models.transfer",
    "TransferPlanner": ".views.transfer",
    # [E] curriculum
    "Reflection": ".views.reflection",
    "ReflectionModel": ".models.reflection",
    "ReflectionError": ".models.reflection",
    "export_reflections": ".models.reflection",
    "load_reflections": ".models.reflection",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS, extra=("__version__",))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .loader import ContentError, list_content, load_content
    from .models.quiz import QuizError, QuizModel
    from .views.quiz import Quiz
    from .views.review import Review
    from .models.review import FixedClock, ReviewDeck
    from .models.reflection import ReflectionError, ReflectionModel, export_reflections, load_reflections
    from .views.reflection import Reflection
    from .models.objectives import ObjectiveAnalysis, ObjectiveDraft, analyze_objective
    from .models.questions import QuestionAnalysis, QuestionPractice, classify_question
    from .models.lesson import LessonPlan, Segment
    from .models.mcq import MCQItem
    from .models.feedback import FeedbackRubric
    from .views.objectives import ObjectiveBuilder
    from .views.questions import QuestionCoach
    from .views.lesson import LessonPlanner
    from .views._common import on_pick, replace_options
    from .views.mcq import MCQWorkshop
    from .views.feedback import PeerFeedback
    from .models.blended import BlendedProgramme
    from .models.cascade import Cascade, CascadeResult, CascadeSolution, solve_cascade
    from .models.evaluation import EvaluationCSVError, EvaluationPlan, EvaluationResults
    from .models.groups import GroupMakerModel
    from .models.leitner import LeitnerScheduler
    from .models.memory import FittedCurve, SpacingModel, ebbinghaus_data, fit_forgetting_curve
    from .models.participation import ParticipationLog, gini
    from .models.timer import ActivityTimerModel
    from .views.blended import BlendedDesigner
    from .views.cascade import CascadePlanner
    from .views.evaluation import EvaluationPlanner, EvaluationReport
    from .views.groups import GroupMaker
    from .views.memory import ForgettingCurve
    from .views.participation import ParticipationTracker
    from .views.timer import ActivityTimer
    from .models.demo import DemoRubric, TeachingDemo
    from .models.fidelity import QuizResult, estimate_retention, synthetic_programme
    from .models.observation import ObservationChecklist
    from .models.pathway import Pathway, PathwayRules, TrainerProgress
    from .models.pool import RosterCSVError, Trainer, TrainerPool
    from .programme.store import ProgrammeStore
    from .views.programme import DemoScorer, ObservationScorer, TrainerPoolBoard
    from .models.performance import PerformanceAnalysis
    from .views.performance import PerformanceCheck
    from .models.transfer import TransferPlan
    from .views.transfer import TransferPlanner
