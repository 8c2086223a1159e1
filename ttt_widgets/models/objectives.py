"""Learning objectives: find the ABCD parts and the Bloom level of an objective, and flag what makes it hard to assess.

An objective in the ABCD format (Heinich, Molenda, Russell & Smaldino, 1999) names the **A**udience, an observable
**B**ehaviour (an action verb and its object), the **C**ondition of the performance and the **D**egree (criterion)
that counts as success; Mager (1997) calls the last three performance, conditions and criterion. The Bloom level
comes from the action verb, using the cognitive process dimension of the revised taxonomy (Anderson & Krathwohl,
2001). All word lists and patterns are content data (``content/bloom-verbs/anderson-krathwohl.yaml``), not code.

The analysis is deterministic: the same text always gives the same result, with problems in a fixed order, so
graded exercises can check it.

>>> a = analyze_objective("By the end of the session, participants will be able to design a 10-minute "
...                       "warm-up activity using the template, meeting all five criteria of the checklist.")
>>> a.measurable, a.bloom_level, a.verb, a.audience
(True, 'create', 'design', 'participants')
>>> analyze_objective("Understand the importance of feedback.").problems[0]
"'understand' cannot be observed or measured: replace it with a verb that shows it, e.g. explain, summarise, classify, compare or use."
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from traitlets import HasTraits, List, Unicode

from ..loader import load_content

__all__ = [
    "BLOOM_LEVELS",
    "MAX_TEXT",
    "ObjectiveAnalysis",
    "ObjectiveDraft",
    "analyze_objective",
    "clean_text",
    "md_escape",
    "objectives_markdown",
]

#: the six levels of the cognitive process dimension, lowest first (Anderson & Krathwohl, 2001, Table 5.1)
BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
#: the longest text any learning-design tool accepts (characters)
MAX_TEXT = 2000

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[,;:.!?]")
_ADVERBS = frozenset(
    "correctly accurately confidently independently effectively clearly safely quickly briefly fully "
    "successfully appropriately critically verbally orally also then both either first".split()
)
_COORDINATORS = frozenset(["and", "or", "then", ",", "as", "well", "plus", "also", "/"])
_VOWELS = set("aeiou")
_FUNCTION_WORDS = frozenset("what how which who whom whose why when where that this these those the a an you your "
                            "their our my his her its to of for".split())


def clean_text(text: Any, what: str = "text", *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Check a piece of trainee text and return it stripped; raise ValueError with a plain message if unusable.

    Refuses non-text values, empty text (when ``required``) and text longer than ``limit`` characters.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError(f"The {what} must be text, not {type(text).__name__}.")
    text = text.strip()
    if required and not text:
        raise ValueError(f"The {what} is empty: please type it first.")
    if len(text) > limit:
        raise ValueError(f"The {what} is {len(text):,} characters long: keep it under {limit:,} characters.")
    return text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def md_escape(text: Any) -> str:
    """Trainee text made inert for a Markdown export: one line, every Markdown and HTML character escaped."""
    flat = re.sub(r"\s+", " ", str(text)).strip()
    return _MD_SPECIAL.sub(r"\\\1", flat)


@dataclass(frozen=True)
class ObjectiveAnalysis:
    """What :func:`analyze_objective` found in one objective.

    Attributes
    ----------
    measurable : bool
        True when the behaviour starts with an action verb from the Bloom lists and no unobservable verb
        (understand, know, appreciate, ...) is part of it.
    bloom_level : str or None
        The highest level among the behaviour's verbs, or None when the objective is not measurable.
    verb : str or None
        The main action verb in its dictionary form (``"design"`` for ``"designing"``), or the vague verb found.
    audience, condition, degree : str or None
        The ABCD parts found, as written (lower case), or None.
    problems : tuple of str
        Plain-language problems, in a fixed order; empty when the objective is complete.
    verbs : tuple of (verb, level) pairs
        Every behaviour verb found, with its level (``"vague"`` for a verb that cannot be observed).
    """

    text: str
    measurable: bool
    bloom_level: str | None
    verb: str | None
    audience: str | None
    condition: str | None
    degree: str | None
    problems: tuple[str, ...]
    verbs: tuple[tuple[str, str], ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the objective is measurable and has no problems."""
        return self.measurable and not self.problems


# -- the word lists, compiled once -------------------------------------------------------------------------------


def _inflect(word: str, irregular: dict[str, list[str]]) -> set[str]:
    """The forms of an English verb: base, -s, -ed, -ing, with the usual spelling changes and listed irregulars."""
    forms = {word}
    forms.update(irregular.get(word, []))
    if word == "be":
        return forms
    if word.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(word + "es")
    elif len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        forms.add(word[:-1] + "ied")
        forms.add(word + "ing")
    elif word.endswith("ie"):
        forms.update({word + "d", word[:-2] + "ying"})
    elif word.endswith("ee"):
        forms.update({word + "d", word + "ing"})
    elif word.endswith("e"):
        forms.update({word + "d", word[:-1] + "ing"})
    else:
        forms.update({word + "ed", word + "ing"})
        # consonant-vowel-consonant endings double the last consonant (plan -> planned, model -> modelled)
        if len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS and word[-3] not in _VOWELS:
            forms.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    return forms


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict  # tuple of tokens -> (canonical verb, level or "vague")
    longest: int
    preambles: tuple
    modal: re.Pattern
    abilities: tuple
    audience_words: frozenset
    conditions: tuple
    degrees: tuple
    level_names: dict
    trainer_side: tuple = ()
    course_side: tuple = ()
    delivery_verbs: frozenset = frozenset()
    activity_only: tuple = ()
    procedural: re.Pattern | None = None


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = load_content("bloom-verbs", "anderson-krathwohl")
    irregular = data["irregular"]
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(phrase: str, level: str) -> None:
        words = phrase.split()
        for form in _inflect(words[0], irregular):
            key = tuple([form, *words[1:]])
            phrases.setdefault(key, (phrase, level))

    for phrase in data["vague"]:  # vague first: "recognise the importance of" wins over "recognise"
        add(phrase, "vague")
    for level in data["levels"]:
        for verb in level["verbs"]:
            add(verb, level["id"])
    modals = sorted(data["modals"], key=len, reverse=True)
    modal = re.compile(r"\b(?:" + "|".join(re.escape(m) for m in modals) + r")\b")
    return _Lexicon(
        phrases=phrases,
        longest=max(len(k) for k in phrases),
        preambles=tuple(re.compile(p) for p in data["preambles"]),
        modal=modal,
        abilities=tuple(sorted((a.split() for a in data["abilities"]), key=len, reverse=True)),
        audience_words=frozenset(data["audience_words"]),
        conditions=tuple(re.compile(p) for p in data["conditions"]),
        degrees=tuple(re.compile(p) for p in data["degrees"]),
        level_names={lv["id"]: lv["name"] for lv in data["levels"]},
        trainer_side=tuple(re.compile(p) for p in data.get("trainer_side", [])),
        course_side=tuple(re.compile(p) for p in data.get("course_side", [])),
        delivery_verbs=frozenset(data.get("delivery_verbs", [])),
        activity_only=tuple(re.compile(p) for p in data.get("activity_only", [])),
        procedural=re.compile(
            r"^(?:(?:a|an|the|their|each|one|two|three|simple|basic|new|standard) )?(?:[a-z0-9'-]+ ){0,2}?(?:"
            + "|".join(re.escape(o) for o in sorted(data.get("procedural_objects", []), key=len, reverse=True))
            + r")\b") if data.get("procedural_objects") else None,
    )


def _match(tokens: list[str], i: int, lex: _Lexicon) -> tuple[int, str, str] | None:
    """The longest verb phrase starting at token ``i``: (length, canonical, level), or None."""
    for n in range(min(lex.longest, len(tokens) - i), 0, -1):
        hit = lex.phrases.get(tuple(tokens[i:i + n]))
        if hit is not None:
            return n, hit[0], hit[1]
    return None


def _clause(text: str, start: int, stops: list[int]) -> str:
    """Text from ``start`` to the first stop after it (another part's start, a comma or a full stop)."""
    end = len(text)
    for m in re.finditer(r"[,;.!?]", text[start:]):
        end = start + m.start()
        break
    for s in stops:
        if start < s < end:
            end = s
    return text[start:end].strip(" ,;:.!?") or None


def _find_spans(patterns, text: str) -> list[int]:
    starts = []
    for p in patterns:
        for m in p.finditer(text):
            starts.append(m.start())
    return sorted(starts)


# -- analysis ----------------------------------------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, bool]:
    had_markup = bool(_TAG.search(text))
    plain = _TAG.sub(" ", text)
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", " - ")
    plain = re.sub(r"\s+", " ", plain.lower()).strip()
    return plain, had_markup


def _restore_case(part: str | None, raw: str, names: bool = False) -> str | None:
    """``part`` (lower case) with the words that are written with capitals inside them in ``raw`` put back
    (acronyms and names: WHO, SBI, PowerPoint), unless ``raw`` is written in capitals throughout.

    With ``names``, a word that starts with a capital where no sentence starts (Kolb, Bloom, A or B) is put back too.
    """
    if not part:
        return part
    letters = [c for c in raw if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > len(letters) / 2:
        return part
    cased = {}
    for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9'-]*", raw):
        word = m.group(0)
        if any(c.isupper() for c in word[1:]):
            cased.setdefault(word.lower(), word)
        elif names and word[0].isupper():
            before = raw[max(0, m.start() - 8):m.start()].rstrip(" \t\"'\u2018\u201c(")
            if before and not before.endswith((".", "?", "!", ":")):  # not where a sentence starts
                cased.setdefault(word.lower(), word)
    if not cased:
        return part
    return re.sub(r"[a-z0-9][a-z0-9'-]*", lambda m: cased.get(m.group(0), m.group(0)), part)


def _split_audience(text: str, lex: _Lexicon) -> tuple[str | None, str, str]:
    """Split ``text`` (preamble removed) into (audience, lead-in before it, behaviour text)."""
    for m in lex.modal.finditer(text):
        before = text[:m.start()].strip(" ,")
        lead = ""
        if "," in before:  # "Given a case study, the trainee will ..."
            lead, before = (part.strip() for part in before.rsplit(",", 1))
        head = _TOKEN.findall(before)
        # "Design a plan that will ...": a text that starts with a verb has no audience before its modal
        # ... unless the verb-like first word is part of a compound audience ("support agents", "training leads")
        compound = 0 < len(head) <= 3 and head[-1] in lex.audience_words and not _FUNCTION_WORDS.intersection(head)
        starts_with_verb = (bool(head) and head[0] not in lex.audience_words and not compound
                            and _match(head, 0, lex) is not None)
        if before and not starts_with_verb and len(before.split()) <= 8 and not re.search(r"[.!?;:]", before):
            behaviour = text[m.end():].strip(" ,:")
            for ability in lex.abilities:
                prefix = " ".join(ability) + " "
                if behaviour.startswith(prefix):
                    behaviour = behaviour[len(prefix):]
                    break
            return before, lead, behaviour
    # no modal: "The trainee designs ...", "Trainees: list ...", or a bare behaviour "Design ..."
    words = text.split(" ")
    for j in range(min(4, len(words) - 1)):
        w = words[j].strip(",:")
        if w in lex.audience_words:
            rest = " ".join(words[j + 1:]).lstrip(" ,:")
            rest_tokens = _TOKEN.findall(rest)
            if rest_tokens and _match(rest_tokens, 0, lex):
                return " ".join(words[:j + 1]).strip(" ,:"), "", rest
    behaviour = text
    for ability in (["be", "able", "to"], ["able", "to"], ["to"]):
        prefix = " ".join(ability) + " "
        if behaviour.startswith(prefix):
            behaviour = behaviour[len(prefix):]
            break
    return None, "", behaviour


def _behaviour_verbs(tokens: list[str], lex: _Lexicon) -> list[tuple[str, str, int]]:
    """The main verb (near the start) and the verbs coordinated with it: (canonical, level, token index)."""
    found: list[tuple[str, str, int]] = []
    i = 0
    while i < min(len(tokens), 4):
        hit = _match(tokens, i, lex)
        if hit:
            found.append((hit[1], hit[2], i))
            i += hit[0]
            break
        if tokens[i] in _ADVERBS or tokens[i] in {",", ":"}:
            i += 1
            continue
        i += 1
    if not found:
        for j in range(len(tokens)):  # a vague phrase later on ("... will have a good understanding of ...")
            hit = _match(tokens, j, lex)
            if hit and hit[2] == "vague":
                return [(hit[1], hit[2], j)]
        return []
    # coordinated verbs: "identify and explain", "plan, deliver and evaluate"
    while i < len(tokens):
        if tokens[i] in _COORDINATORS:
            j = i
            while j < len(tokens) and (tokens[j] in _COORDINATORS or tokens[j] in _ADVERBS):
                j += 1
            if j < len(tokens) and j > i:
                hit = _match(tokens, j, lex)
                if hit and (tokens[j - 1] in {"and", "or", "then", "/"} or hit[0] > 1 or tokens[j] == hit[1].split()[0]):
                    found.append((hit[1], hit[2], j))
                    i = j + hit[0]
                    continue
            i = max(j, i + 1)
        else:
            i += 1
    return found


def _examples(level: str | None) -> str:
    return {
        "remember": "list, name, identify",
        "understand": "explain, summarise, classify",
        "apply": "use, carry out, demonstrate",
        "analyze": "compare, differentiate, diagnose",
        "evaluate": "judge, justify, recommend",
        "create": "design, plan, produce",
    }.get(level or "", "list, explain, use, compare, judge or design")


def analyze_objective(text: str) -> ObjectiveAnalysis:
    """Analyse one learning objective: ABCD parts, Bloom level, and problems in plain language.

    Parameters
    ----------
    text : str
        One objective, in any letter case, with or without a "By the end of ..., participants will be able to"
        preamble. At most 2,000 characters.

    Returns
    -------
    ObjectiveAnalysis
        A frozen dataclass; see its attributes.

    Raises
    ------
    ValueError
        If ``text`` is not a string, is empty, has no letters at all, or is longer than 2,000 characters.

    Examples
    --------
    >>> a = analyze_objective("Trainees will list three barriers to transfer of training.")
    >>> a.measurable, a.bloom_level, a.verb, a.degree
    (True, 'remember', 'list', None)
    """
    raw = clean_text(text, "objective")
    lex = _lexicon()
    plain, had_markup = _normalise(raw)
    if not any(ch.isalpha() for ch in plain):
        raise ValueError("The objective has no words: write what participants will be able to do, in plain English.")
    problems: list[str] = []
    if had_markup:
        problems.append("The objective contains HTML or other markup (<...>): write it as plain text.")
    body = plain
    for pattern in lex.preambles:
        body = pattern.sub("", body, count=1)
    audience, lead, behaviour = _split_audience(body, lex)
    tokens = _TOKEN.findall(behaviour)
    verbs = _behaviour_verbs(tokens, lex)

    # condition: a lead-in before the audience, else the first condition phrase after the verb
    condition = None
    degree_starts = _find_spans(lex.degrees, behaviour)
    cond_starts = _find_spans(lex.conditions, behaviour)
    if lead and any(p.search(lead) for p in lex.conditions):
        condition = lead.strip(" ,")
    elif any(p.match(behaviour) for p in lex.conditions):
        # "Given a case study, list ..." (no audience): the condition leads the behaviour
        head, _, tail = behaviour.partition(",")
        if tail:
            condition = head.strip()
            behaviour = tail.strip()
            tokens = _TOKEN.findall(behaviour)
            verbs = _behaviour_verbs(tokens, lex)
            degree_starts = _find_spans(lex.degrees, behaviour)
            cond_starts = _find_spans(lex.conditions, behaviour)
    if condition is None and cond_starts:
        condition = _clause(behaviour, cond_starts[0], degree_starts)
    degree = _clause(behaviour, degree_starts[0], cond_starts) if degree_starts else None

    # running a known procedure is apply, even when it makes something (build a pivot table, assemble a valve)
    if lex.procedural is not None:
        verbs = [(v, "apply", i) if level == "create" and lex.procedural.match(" ".join(tokens[i + len(v.split()):i + 8]))
                 else (v, level, i) for v, level, i in verbs]
    # who acts: the course itself is no audience; a trainer who presents is not a learner performing
    course_side = bool(audience) and any(p.match(audience) for p in lex.course_side)
    trainer_side = bool(audience) and any(p.match(audience) for p in lex.trainer_side)
    able = bool(re.search(r"\b(?:be|are|is) able to\b", body))
    teaching = course_side or (trainer_side and not able and bool(verbs) and verbs[0][0] in lex.delivery_verbs)
    if course_side:
        audience = None
    activity = any(p.match(behaviour.lstrip(" ,")) for p in lex.activity_only)

    vague = [v for v, level, _ in verbs if level == "vague"]
    measurable_verbs = [(v, level) for v, level, _ in verbs if level != "vague"]
    if teaching:
        problems.append(
            "This says what the trainer or the course will do, not what participants will be able to do: write it "
            "from the learner's side, e.g. 'Staff will be able to explain the new policy to a customer'."
        )
    elif activity:
        problems.append(
            "Finishing or attending an activity is not a learning outcome: say what participants will be able to do "
            "afterwards, e.g. 'Participants will be able to report a phishing email using the button'."
        )
    elif not verbs:
        problems.append(
            "No action verb found at the start of the behaviour: begin it with a verb that shows what participants "
            "will do, e.g. list, explain, use, compare, judge or design."
        )
    for v in dict.fromkeys(vague):
        problems.append(
            f"'{v}' cannot be observed or measured: replace it with a verb that shows it, e.g. explain, summarise, "
            "classify, compare or use."
        )
    if audience is None and not course_side:
        problems.append("No audience: say who will do it, e.g. 'Participants will be able to ...'.")
    if degree is None:
        problems.append(
            "No criterion: say how well or how much is enough, e.g. 'at least 4 of 5 correctly', 'within 10 minutes' "
            "or 'according to the checklist'."
        )
    levels = sorted({level for _, level in measurable_verbs}, key=BLOOM_LEVELS.index)
    if len(levels) > 1:
        named = [next(f"'{v}' ({lv})" for v, lv in measurable_verbs if lv == level) for level in levels]
        problems.append(
            "Several verbs at different levels: " + ", ".join(named[:-1]) + f" and {named[-1]}. Assess the highest "
            f"({levels[-1]}) or split it into one objective per level."
        )
    measurable = bool(measurable_verbs) and not vague and not teaching and not activity
    bloom_level = levels[-1] if measurable else None
    verb = verbs[0][0] if verbs else None
    return ObjectiveAnalysis(
        text=raw,
        measurable=measurable,
        bloom_level=bloom_level,
        verb=verb,
        audience=_restore_case(audience, raw) or None,
        condition=_restore_case(condition, raw) or None,
        degree=_restore_case(degree, raw) or None,
        problems=tuple(problems),
        verbs=tuple((v, level) for v, level, _ in verbs),
    )


# -- the builder's model -----------------------------------------------------------------------------------------


class ObjectiveDraft(HasTraits):
    """An objective built from its four ABCD parts, and the list of finished objectives a trainee keeps.

    Examples
    --------
    >>> d = ObjectiveDraft(audience="New trainers", behaviour="write three open questions",
    ...                    condition="given a lesson plan", degree="that score 'open' in the question coach")
    >>> d.text
    "Given a lesson plan, new trainers will be able to write three open questions that score 'open' in the question coach."
    >>> _ = d.keep(); len(d.kept)
    1
    """

    audience = Unicode("", help="Who will do it (e.g. 'Participants').")
    behaviour = Unicode("", help="An action verb and what it acts on (e.g. 'list three barriers to transfer').")
    condition = Unicode("", help="Under what circumstances (optional, e.g. 'given a case study').")
    degree = Unicode("", help="How well (e.g. 'with at least 4 of 5 correct').")
    kept = List(Unicode(), help="Finished objectives, in the order they were kept.")

    @property
    def text(self) -> str:
        """The objective as one sentence, assembled from the parts."""
        audience = self.audience.strip()
        behaviour = self.behaviour.strip().rstrip(".")
        condition = self.condition.strip().rstrip(",")
        degree = self.degree.strip().rstrip(".")
        core = f"{audience} will be able to {behaviour}" if audience else behaviour
        if degree:
            core = f"{core} {degree}"
        sentence = f"{condition}, {core[:1].lower()}{core[1:]}" if condition else core
        sentence = sentence.strip()
        return (sentence[:1].upper() + sentence[1:] + ".") if sentence else ""

    def analysis(self) -> ObjectiveAnalysis:
        """Analyse the assembled objective (ValueError if there is nothing to analyse yet)."""
        for name in ("audience", "behaviour", "condition", "degree"):
            clean_text(getattr(self, name), name, required=False)
        behaviour = clean_text(self.behaviour, "behaviour")
        if not any(ch.isalpha() for ch in behaviour):
            raise ValueError("The behaviour has no words: start it with an action verb, e.g. list, explain or design.")
        return analyze_objective(self.text)

    def keep(self) -> ObjectiveAnalysis:
        """Copy the finished objective to :attr:`kept`; refuses unmeasurable objectives and duplicates."""
        result = self.analysis()
        if not result.measurable:
            raise ValueError("This objective is not measurable yet: " + (result.problems[0] if result.problems else ""))
        if any(k.lower() == self.text.lower() for k in self.kept):
            raise ValueError("This objective is already in your list.")
        self.kept = [*self.kept, self.text]
        return result

    def remove(self, index: int) -> str:
        """Remove a kept objective by its position (0 is the first); returns it."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.kept):
            raise ValueError(f"There is no objective number {index!r} in your list ({len(self.kept)} kept).")
        kept = list(self.kept)
        removed = kept.pop(index)
        self.kept = kept
        return removed

    def to_markdown(self, title: str = "My learning objectives") -> str:
        return objectives_markdown(self.kept, title)


def objectives_markdown(objectives: list[str], title: str = "My learning objectives") -> str:
    """A Markdown list of objectives with their Bloom level, for a trainee's notes or a lesson plan."""
    lines = [f"# {md_escape(title)}", ""]
    if not objectives:
        lines.append("(no objectives yet)")
    for i, text in enumerate(objectives, 1):
        a = analyze_objective(text)
        level = a.bloom_level or "not measurable"
        lines.append(f"{i}. {md_escape(text)} *({level})*")
    return "\n".join(lines) + "\n"
