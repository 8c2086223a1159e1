"""Peer feedback on a micro-teaching round: rubric scores and structured comments from several reviewers.

Micro-teaching (Allen & Ryan, 1969) is a short teaching round followed by feedback. Feedback helps when it says
where the performance is against a clear goal and what to do next (Hattie & Timperley, 2007), so reviewers score
criteria with descriptors and write comments in one of two formats: "one up, one down" (one strength, one thing to
change) or a 2x2 grid (content and delivery, what worked and what to improve). The rubric, its scale, descriptors
and the formats' prompts are content data (``content/rubrics/``).

>>> fb = FeedbackRubric("micro-teaching", round_title="Round 1: Sam on giving feedback")
>>> _ = fb.add_review("Ana", {"objective": 4, "engagement": 3}, up="Clear objective", down="More wait time")
>>> _ = fb.add_review("Ben", {"objective": 3, "engagement": 2}, up="Good example", down="Check understanding")
>>> [(s.id, s.mean) for s in fb.summary()][:2]
[('objective', 3.5), ('structure', None)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from traitlets import Dict, HasTraits, Instance, List, Unicode

from ..loader import load_content, validate_content
from .objectives import clean_text, md_escape

__all__ = ["CriterionSummary", "FeedbackRubric", "Review"]


@dataclass(frozen=True)
class Review:
    """One reviewer's feedback: scores per criterion and comments per prompt of the format."""

    reviewer: str
    format: str
    scores: tuple[tuple[str, int], ...]
    comments: tuple[tuple[str, str], ...]

    def score(self, criterion: str) -> int | None:
        return dict(self.scores).get(criterion)


@dataclass(frozen=True)
class CriterionSummary:
    """The aggregate of every reviewer's score on one criterion (``mean`` is None when nobody scored it)."""

    id: str
    name: str
    mean: float | None
    n: int
    minimum: int | None
    maximum: int | None
    descriptor: str | None


class FeedbackRubric(HasTraits):
    """A rubric for one teaching round and the reviews given on it.

    Parameters
    ----------
    rubric : str or dict
        The name of a packaged rubric (``content/rubrics/``) or a rubric dict matching its schema.
    round_title : str
        What is being reviewed, e.g. "Round 2: Priya, 10 minutes on fire safety".

    Examples
    --------
    >>> fb = FeedbackRubric()
    >>> _ = fb.add_review("Kim", {"check": 2}, format="2x2", comments={
    ...     "content_positive": "Good case", "content_improve": "State the objective",
    ...     "delivery_positive": "Calm voice", "delivery_improve": "Look at the group"})
    >>> fb.summary()[-1].mean
    2.0
    """

    round_title = Unicode("Micro-teaching round", help="What is being reviewed.")
    rubric = Dict(help="The rubric, as validated content.")
    reviews = List(Instance(Review), help="The reviews, in the order they were given.")

    def __init__(self, rubric: str | dict = "micro-teaching", round_title: str = "Micro-teaching round", **kwargs: Any):
        data = load_content("rubrics", rubric) if isinstance(rubric, str) else validate_content(rubric, "rubrics", "rubric")
        if data["scale"]["min"] >= data["scale"]["max"]:
            raise ValueError("The rubric's scale must go from a lower to a higher number.")
        super().__init__(rubric=data, **kwargs)
        self.round_title = clean_text(round_title, "round title", limit=200)

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def criteria(self) -> list[dict]:
        return self.rubric["criteria"]

    @property
    def scale(self) -> tuple[int, int]:
        return self.rubric["scale"]["min"], self.rubric["scale"]["max"]

    @property
    def formats(self) -> dict[str, dict]:
        return self.rubric["formats"]

    def _criterion(self, key: str) -> dict:
        for c in self.criteria:
            if key in (c["id"], c["name"]):
                return c
        names = ", ".join(c["id"] for c in self.criteria)
        raise ValueError(f"'{str(key)[:60]}' is not a criterion of this rubric ({names}).")

    # -- acting ----------------------------------------------------------------------------------------------
    def add_review(self, reviewer: Any, scores: Mapping[str, Any] | None = None, comments: Mapping[str, Any] | None = None,
                   format: str = "one-up-one-down", up: Any = None, down: Any = None) -> Review:
        """Add one reviewer's scores and comments; ValueError with a plain message on bad input.

        ``up`` and ``down`` are shortcuts for the comments of the "one-up-one-down" format. Every prompt of the
        chosen format needs a comment (that is what keeps the feedback balanced); scores are optional per criterion.
        """
        name = clean_text(reviewer, "reviewer's name", limit=100)
        if any(r.reviewer.lower() == name.lower() for r in self.reviews):
            raise ValueError(f"{name} has already reviewed this round: remove that review first to replace it.")
        if format not in self.formats:
            raise ValueError(f"'{format}' is not a feedback format: choose {' or '.join(self.formats)}.")
        low, high = self.scale
        clean_scores: dict[str, int] = {}
        for key, value in (scores or {}).items():
            crit = self._criterion(key)
            if value is None or value == "":
                continue
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value.strip())
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"The score for '{crit['name']}' must be a whole number from {low} to {high} "
                                 f"(got {str(value)[:40]!r}).")
            clean_scores[crit["id"]] = value
        given = dict(comments or {})
        if up is not None:
            given["up"] = up
        if down is not None:
            given["down"] = down
        prompts = self.formats[format]["prompts"]
        unknown = [k for k in given if k not in prompts]
        if unknown:
            raise ValueError(f"'{unknown[0]}' is not a comment of the '{self.formats[format]['name']}' format "
                             f"({', '.join(prompts)}).")
        clean_comments = []
        for key, prompt in prompts.items():
            text = clean_text(given.get(key, ""), f"comment '{prompt.split('(')[0].strip()}'")
            clean_comments.append((key, text))
        review = Review(name, format, tuple(sorted(clean_scores.items(), key=lambda kv: self._order(kv[0]))),
                        tuple(clean_comments))
        self.reviews = [*self.reviews, review]
        return review

    def _order(self, criterion_id: str) -> int:
        return [c["id"] for c in self.criteria].index(criterion_id)

    def remove_review(self, reviewer: str) -> Review:
        for r in self.reviews:
            if r.reviewer.lower() == str(reviewer).strip().lower():
                self.reviews = [x for x in self.reviews if x is not r]
                return r
        raise ValueError(f"There is no review by '{str(reviewer)[:60]}'.")

    # -- aggregating -----------------------------------------------------------------------------------------
    def summary(self) -> tuple[CriterionSummary, ...]:
        """Per criterion: the mean, count, minimum and maximum of the scores given, and the descriptor of the
        rounded mean (half rounds up)."""
        out = []
        for c in self.criteria:
            values = [r.score(c["id"]) for r in self.reviews if r.score(c["id"]) is not None]
            if values:
                mean = sum(values) / len(values)
                key = str(int(mean + 0.5))
                out.append(CriterionSummary(c["id"], c["name"], round(mean, 2), len(values), min(values), max(values),
                                            c["descriptors"].get(key)))
            else:
                out.append(CriterionSummary(c["id"], c["name"], None, 0, None, None, None))
        return tuple(out)

    def comments(self) -> dict[str, list[tuple[str, str]]]:
        """Every comment, grouped by prompt (in the formats' order): prompt key -> [(reviewer, text), ...]."""
        out: dict[str, list[tuple[str, str]]] = {}
        for fmt in self.formats.values():
            for key in fmt["prompts"]:
                out.setdefault(key, [])
        for r in self.reviews:
            for key, text in r.comments:
                out[key].append((r.reviewer, text))
        return {k: v for k, v in out.items() if v}

    def to_markdown(self) -> str:
        """The aggregated feedback as Markdown: a table of means per criterion, then every comment."""
        low, high = self.scale
        lines = [f"# Feedback: {md_escape(self.round_title)}", "",
                 f"Rubric: {md_escape(self.rubric['title'])}. Reviewers: {len(self.reviews)}"
                 + (f" ({', '.join(md_escape(r.reviewer) for r in self.reviews)})." if self.reviews else "."), "",
                 f"| Criterion | Mean ({low}-{high}) | Reviewers | Range | What the mean looks like |",
                 "|---|---:|---:|---|---|"]
        for s in self.summary():
            mean = f"{s.mean:.2f}" if s.mean is not None else "-"
            rng = f"{s.minimum}-{s.maximum}" if s.n else "-"
            lines.append(f"| {md_escape(s.name)} | {mean} | {s.n} | {rng} | {md_escape(s.descriptor or '')} |")
        prompts = {k: p for fmt in self.formats.values() for k, p in fmt["prompts"].items()}
        lines += ["", "## Comments", ""]
        grouped = self.comments()
        if not grouped:
            lines.append("(no comments yet)")
        for key, items in grouped.items():
            lines += [f"### {md_escape(prompts[key])}", ""]
            lines += [f"- {md_escape(text)} ({md_escape(who)})" for who, text in items]
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"
