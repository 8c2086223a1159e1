"""Evaluation of a training programme at Kirkpatrick's four levels: a plan, and results read from CSV.

Sources
-------
- Kirkpatrick, D. L. (1959). Techniques for evaluating training programs. *Journal of the American Society of
  Training Directors* 13(11), 3-9; Kirkpatrick, D. L. & Kirkpatrick, J. D. (2006). *Evaluating Training Programs:
  The Four Levels*, 3rd ed., Berrett-Koehler. Level 1 reaction, 2 learning, 3 behaviour, 4 results.
- Likert, R. (1932). A technique for the measurement of attitudes. *Archives of Psychology* 140 (the rating scale
  used for reactions, here 1 to 5).
- The confidence interval of the mean paired gain is ``mean ± t(1 - alpha/2, n - 1) * sd / sqrt(n)`` (Student 1908,
  "The probable error of a mean", *Biometrika* 6(1)). The t quantiles come from the table of the NIST/SEMATECH
  *e-Handbook of Statistical Methods* (2012), section 1.3.6.7.2 "Critical values of the Student's t distribution",
  for 1-30, 40, 50, 60, 80, 100 and 120 degrees of freedom and infinity, interpolated linearly in 1/df between
  entries (the usual way to read such a table; the error is below 0.001 here).

CSV format (:data:`CSV_COLUMNS`)
--------------------------------
One row per observation, a header row with these columns (any order, more columns are ignored)::

    participant,level,measure,phase,value
    P01,reaction,relevance,,4
    P01,learning,knowledge test,pre,55
    P01,learning,knowledge test,post,80
    P01,behaviour,observed practice,post,3
    ,results,courses delivered,post,12

- ``participant``: an id (may be empty for level 4 programme-wide figures).
- ``level``: ``reaction``, ``learning``, ``behaviour`` (or ``behavior``), ``results``, or 1 to 4.
- ``measure``: what was measured (free text, up to 200 characters).
- ``phase``: ``pre``, ``post`` or empty. Learning measures with both phases give paired gains.
- ``value``: a number; reaction values are Likert ratings, whole numbers 1 to 5.

>>> r = EvaluationResults.from_text("participant,level,measure,phase,value\\nA,learning,test,pre,50\\nA,learning,test,post,70\\nB,learning,test,pre,60\\nB,learning,test,post,70\\n")
>>> g = r.gain("test"); g.n, g.mean
(2, 15.0)
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "LEVELS", "LEVEL_NAMES", "CSV_COLUMNS", "EvaluationPlan", "EvaluationResults", "Gain", "t_quantile",
    "mean_ci", "EvaluationCSVError",
]

LEVELS = ("reaction", "learning", "behaviour", "results")
LEVEL_NAMES = {1: "reaction", 2: "learning", 3: "behaviour", 4: "results"}
CSV_COLUMNS = ("participant", "level", "measure", "phase", "value")
LIKERT = (1, 2, 3, 4, 5)

# NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2: upper critical values t(1 - alpha/2, df)
_T_DF = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
         30, 40, 50, 60, 80, 100, 120)
_T_TABLE = {
    0.90: (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
           1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
           1.684, 1.676, 1.671, 1.664, 1.660, 1.658, 1.645),
    0.95: (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
           2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
           2.021, 2.009, 2.000, 1.990, 1.984, 1.980, 1.960),
    0.99: (63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169, 3.106, 3.055, 3.012, 2.977, 2.947,
           2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750,
           2.704, 2.678, 2.660, 2.639, 2.626, 2.617, 2.576),
}


def t_quantile(df: int, confidence: float = 0.95) -> float:
    """Two-sided critical value of Student's t for ``df`` degrees of freedom (table above, 1/df interpolation).

    >>> t_quantile(9), t_quantile(10**6)
    (2.262, 1.96)
    """
    if confidence not in _T_TABLE:
        raise ValueError(f"confidence must be one of {', '.join(map(str, _T_TABLE))}, got {confidence!r}")
    if isinstance(df, bool) or not isinstance(df, int) or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number of at least 1, got {df!r}")
    values = _T_TABLE[confidence]
    if df in _T_DF:
        return values[_T_DF.index(df)]
    # interpolate linearly in 1/df between the neighbouring entries (infinity has 1/df = 0)
    xs = [1 / d for d in _T_DF] + [0.0]
    x = 1 / df
    for i in range(len(xs) - 1):
        hi, lo = xs[i], xs[i + 1]
        if lo <= x <= hi:
            w = (x - lo) / (hi - lo)
            return round(values[i + 1] + w * (values[i] - values[i + 1]), 4)
    return values[-1]  # pragma: no cover - x is always inside (0, 1]


def mean_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t-based confidence interval ``(mean, low, high)``; needs at least two values."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    if x.size < 2:
        raise ValueError("a confidence interval needs at least two values")
    mean = float(x.mean())
    half = t_quantile(int(x.size - 1), confidence) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return mean, mean - half, mean + half


class EvaluationCSVError(ValueError):
    """A results file that cannot be read; the message names the row and the column."""


@dataclass(frozen=True)
class Gain:
    """Paired pre/post gain on one learning measure."""

    measure: str
    n: int
    pre_mean: float
    post_mean: float
    mean: float
    sd: float
    low: float
    high: float
    confidence: float
    unpaired: int = 0  #: participants with only a pre or only a post score (left out)

    def describe(self) -> str:
        return (f"{self.measure}: mean gain {self.mean:+.1f} points ({self.confidence:.0%} CI {self.low:+.1f} to "
                f"{self.high:+.1f}, n = {self.n})")


@dataclass(frozen=True)
class Row:
    line: int
    participant: str
    level: str
    measure: str
    phase: str
    value: float


def _level(text: str) -> str | None:
    t = text.strip().lower()
    if t in ("1", "2", "3", "4"):
        return LEVEL_NAMES[int(t)]
    if t == "behavior":
        return "behaviour"
    return t if t in LEVELS else None


def read_csv_text(path: Path, error: type[Exception]) -> str:
    """A CSV file's text (UTF-8, with or without a byte-order mark, as spreadsheets save it); a missing or unreadable
    file raises ``error`` with the file's name and one plain sentence."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot be read as UTF-8 text: {exc}") from None


class EvaluationResults:
    """Survey and assessment results at the four levels, read from CSV (see the module docstring).

    Examples
    --------
    >>> r = EvaluationResults.from_text("participant,level,measure,phase,value\\nA,1,relevance,,5\\nB,1,relevance,,4\\n")
    >>> r.likert("relevance")
    {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    """

    def __init__(self, rows: Iterable[Row], source: str = "<data>") -> None:
        self.rows = list(rows)
        self.source = source

    @classmethod
    def from_csv(cls, path: str | Path) -> "EvaluationResults":
        path = Path(path)
        return cls.from_text(read_csv_text(path, EvaluationCSVError), source=path.name)

    @classmethod
    def sample(cls) -> "EvaluationResults":
        """The packaged sample data set (``content/datasets/evaluation-sample.csv``)."""
        from importlib import resources

        ref = resources.files("ttt_widgets") / "content" / "datasets" / "evaluation-sample.csv"
        return cls.from_text(ref.read_text(encoding="utf-8"), source="evaluation-sample.csv")

    @classmethod
    def from_text(cls, text: str, source: str = "<data>") -> "EvaluationResults":
        """Parse CSV text; a bad cell raises :class:`EvaluationCSVError` naming the row (file line) and column."""
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise EvaluationCSVError(f"{source}: not UTF-8 text") from None
        if not text.strip():
            raise EvaluationCSVError(f"{source}: the file is empty")
        reader = csv.reader(io.StringIO(text))
        try:
            header = [h.strip().lower() for h in next(reader)]
        except csv.Error as exc:
            raise EvaluationCSVError(f"{source}: row 1: not valid CSV ({exc})") from None
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            raise EvaluationCSVError(f"{source}: row 1 (header): missing column(s) {', '.join(missing)}; "
                                     f"expected {','.join(CSV_COLUMNS)}")
        dup = sorted({h for h in header if header.count(h) > 1 and h in CSV_COLUMNS})
        if dup:
            raise EvaluationCSVError(f"{source}: row 1 (header): column(s) {', '.join(dup)} appear twice")
        col = {c: header.index(c) for c in CSV_COLUMNS}
        rows: list[Row] = []
        seen: dict[tuple, int] = {}
        try:
            for line, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                where = f"{source}: row {line}"
                if len(cells) < len(header):
                    cells = cells + [""] * (len(header) - len(cells))
                get = {c: cells[i].strip() for c, i in col.items()}
                level = _level(get["level"])
                if level is None:
                    raise EvaluationCSVError(f"{where}, column 'level': {get['level']!r} is not one of "
                                             f"{', '.join(LEVELS)} or 1-4")
                if not get["measure"]:
                    raise EvaluationCSVError(f"{where}, column 'measure': empty")
                for c in ("participant", "measure"):
                    if len(get[c]) > 200:
                        raise EvaluationCSVError(f"{where}, column {c!r}: longer than 200 characters")
                phase = get["phase"].lower()
                if phase not in ("", "pre", "post"):
                    raise EvaluationCSVError(f"{where}, column 'phase': {get['phase']!r} must be pre, post or empty")
                try:
                    value = float(get["value"].replace(" ", ""))
                except ValueError:
                    raise EvaluationCSVError(f"{where}, column 'value': {get['value']!r} is not a number") from None
                if not math.isfinite(value):
                    raise EvaluationCSVError(f"{where}, column 'value': {get['value']!r} is not a finite number")
                if level == "reaction" and value not in LIKERT:
                    raise EvaluationCSVError(f"{where}, column 'value': {get['value']!r} is not a rating from 1 to 5")
                if level in ("learning", "behaviour") and not get["participant"]:
                    raise EvaluationCSVError(f"{where}, column 'participant': empty (needed for {level} measures)")
                key = (get["participant"], level, get["measure"], phase)
                if get["participant"] and key in seen:
                    raise EvaluationCSVError(f"{where}: duplicates row {seen[key]} (same participant, level, measure "
                                             f"and phase)")
                seen[key] = line
                rows.append(Row(line, get["participant"], level, get["measure"], phase, value))
        except csv.Error as exc:
            raise EvaluationCSVError(f"{source}: row {reader.line_num}: not valid CSV ({exc})") from None
        if not rows:
            raise EvaluationCSVError(f"{source}: no data rows after the header")
        return cls(rows, source)

    # -- summaries ---------------------------------------------------------------------------------------------
    def measures(self, level: str) -> list[str]:
        out: list[str] = []
        for r in self.rows:
            if r.level == level and r.measure not in out:
                out.append(r.measure)
        return out

    def levels_present(self) -> list[str]:
        return [lv for lv in LEVELS if any(r.level == lv for r in self.rows)]

    def likert(self, measure: str) -> dict[int, int]:
        """Counts of each rating 1-5 for one reaction measure."""
        out = {k: 0 for k in LIKERT}
        for r in self.rows:
            if r.level == "reaction" and r.measure == measure:
                out[int(r.value)] += 1
        return out

    def values(self, level: str, measure: str, phase: str | None = None) -> list[float]:
        return [r.value for r in self.rows if r.level == level and r.measure == measure and (phase is None or r.phase == phase)]

    def gain(self, measure: str, confidence: float = 0.95) -> Gain:
        """Paired post - pre gain on a learning (or behaviour) measure, with its t confidence interval."""
        import numpy as np

        pre: dict[str, float] = {}
        post: dict[str, float] = {}
        for r in self.rows:
            if r.measure == measure and r.level in ("learning", "behaviour"):
                if r.phase == "pre":
                    pre[r.participant] = r.value
                elif r.phase == "post":
                    post[r.participant] = r.value
        both = [p for p in pre if p in post]
        if len(both) < 2:
            raise ValueError(f"measure {measure!r}: fewer than two participants have both a pre and a post score")
        d = np.array([post[p] - pre[p] for p in both])
        mean, low, high = mean_ci(d, confidence)
        return Gain(measure, len(both), float(np.mean([pre[p] for p in both])), float(np.mean([post[p] for p in both])),
                    mean, float(d.std(ddof=1)), low, high, confidence, len(set(pre) ^ set(post)))

    def gains(self, confidence: float = 0.95) -> list[Gain]:
        out = []
        for level in ("learning", "behaviour"):
            for m in self.measures(level):
                phases = {r.phase for r in self.rows if r.level == level and r.measure == m}
                if {"pre", "post"} <= phases:
                    out.append(self.gain(m, confidence))
        return out

    def summary(self, confidence: float = 0.95) -> dict[str, list[str]]:
        """Plain-language lines per level."""
        out: dict[str, list[str]] = {lv: [] for lv in LEVELS}
        for m in self.measures("reaction"):
            counts = self.likert(m)
            n = sum(counts.values())
            mean = sum(k * v for k, v in counts.items()) / n
            agree = (counts[4] + counts[5]) / n
            out["reaction"].append(f"{m}: mean rating {mean:.2f} of 5, {agree:.0%} rate it 4 or 5 (n = {n})")
        gains = self.gains(confidence)
        gained = {g.measure for g in gains}
        for g in gains:
            lv = "learning" if g.measure in self.measures("learning") else "behaviour"
            out[lv].append(g.describe())
        for lv in ("learning", "behaviour", "results"):
            for m in self.measures(lv):
                if m in gained:
                    continue
                vals = self.values(lv, m)
                out[lv].append(f"{m}: mean {sum(vals) / len(vals):.2f} (n = {len(vals)})")
        return out


# -- the plan ------------------------------------------------------------------------------------------------------
@dataclass
class Measure:
    level: str
    measure: str
    instrument: str
    when: str
    objectives: tuple[str, ...] = ()


def _text(name: str, value, limit: int = 300, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {value!r}")
    v = " ".join(value.split())
    if required and not v:
        raise ValueError(f"{name} is empty")
    if len(v) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return v


@dataclass
class EvaluationPlan:
    """What will be measured at each of Kirkpatrick's four levels, with which instrument and when.

    :meth:`check` finds the gaps: every programme objective must be measured at level 2 (learning: can they do it
    at the end of training?) and level 3 (behaviour: do they do it at work?), as Kirkpatrick & Kirkpatrick (2006)
    recommend, and each level should have at least one measure.

    Examples
    --------
    >>> plan = EvaluationPlan(["run a micro-teach"])
    >>> _ = plan.add("learning", "observed micro-teach", "rubric", "last day", objectives=["run a micro-teach"])
    >>> plan.check()[:2]
    ["Objective 'run a micro-teach' is not measured at level 3 (behaviour).", 'No measure at level 1 (reaction).']
    """

    objectives: list[str] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    title: str = "Evaluation plan"

    def __post_init__(self) -> None:
        objs = [_text("objective", o) for o in self.objectives]
        lower = [o.casefold() for o in objs]
        dup = sorted({o for o in objs if lower.count(o.casefold()) > 1})
        if dup:
            raise ValueError(f"objective {dup[0]!r} appears twice")
        self.objectives = objs
        given, self.measures = self.measures, []
        for m in given:
            m = m if isinstance(m, Measure) else Measure(**m)
            self.add(m.level, m.measure, m.instrument, m.when, m.objectives)

    @classmethod
    def from_content(cls, name_or_data: str | dict) -> "EvaluationPlan":
        from ..loader import load_content, validate_content

        data = load_content("evaluation-plans", name_or_data) if isinstance(name_or_data, str) else \
            validate_content(name_or_data, "evaluation-plans", "evaluation plan")
        measures = [dict(m, objectives=tuple(m.get("objectives", ()))) for m in data["measures"]]
        return cls(data["objectives"], measures, data["title"])

    def add_objective(self, objective: str) -> None:
        o = _text("objective", objective)
        if o.casefold() in (x.casefold() for x in self.objectives):
            raise ValueError(f"objective {o!r} is already in the plan")
        self.objectives.append(o)

    def add(self, level: str | int, measure: str, instrument: str, when: str, objectives: Iterable[str] = ()) -> Measure:
        lv = _level(str(level))
        if lv is None:
            raise ValueError(f"level must be one of {', '.join(LEVELS)} or 1-4, got {level!r}")
        objs = tuple(objectives)
        for o in objs:
            if o not in self.objectives:
                raise ValueError(f"{o!r} is not one of the programme objectives")
        m = Measure(lv, _text("measure", measure), _text("instrument", instrument), _text("when", when, 120), objs)
        if any((x.level, x.measure.casefold()) == (m.level, m.measure.casefold()) for x in self.measures):
            raise ValueError(f"measure {m.measure!r} is already planned at level {lv}")
        self.measures.append(m)
        return m

    def remove(self, index: int) -> Measure:
        if not 0 <= index < len(self.measures):
            raise ValueError(f"there is no measure number {index + 1}")
        return self.measures.pop(index)

    def by_level(self) -> dict[str, list[Measure]]:
        return {lv: [m for m in self.measures if m.level == lv] for lv in LEVELS}

    def coverage(self) -> dict[str, dict[str, bool]]:
        """objective -> level -> measured?"""
        return {o: {lv: any(o in m.objectives for m in self.measures if m.level == lv) for lv in LEVELS}
                for o in self.objectives}

    def check(self) -> list[str]:
        """Gaps in the plan, in plain words (an empty list when it is complete)."""
        problems = []
        if not self.objectives:
            problems.append("The plan has no programme objectives.")
        for o, cov in self.coverage().items():
            for n, lv in ((2, "learning"), (3, "behaviour")):
                if not cov[lv]:
                    problems.append(f"Objective {o!r} is not measured at level {n} ({lv}).")
        for n, lv in LEVEL_NAMES.items():
            if not any(m.level == lv for m in self.measures):
                problems.append(f"No measure at level {n} ({lv}).")
        return problems
