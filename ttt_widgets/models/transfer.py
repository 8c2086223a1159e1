"""A transfer plan: who does what before, during and after a training, so that the skill is used at work.

Broad & Newstrom (1992) set transfer out as a grid of three roles (manager, trainer, trainee) and three stages
(before, during, after the training). Saks & Belcourt (2006, *Human Resource Management* 45(4), 629-648) found that
activities at work before and after training were more strongly related to transfer than those during it, and Blume
et al. (2010, *Journal of Management* 36(4), 1065-1105) found a supportive work environment related to transfer. The
grid, an example for every box and the checks a plan must pass are content
(``content/transfer-plans/broad-newstrom.yaml``); this module keeps one plan and runs the checks.

>>> plan = TransferPlan()
>>> plan.set("manager", "before", "Tell her why she is going")
>>> [c.id for c in plan.checks() if not c.ok][:2]
['manager-follow-up', 'action-plan']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .demo import clean_text

__all__ = ["TransferPlan", "TransferCheck", "transfer_grid", "GRIDS"]

#: the packaged grid
GRIDS = "broad-newstrom"


@dataclass(frozen=True)
class TransferCheck:
    """The outcome of one check of a plan: its id, whether it passed, and the message to show."""

    id: str
    ok: bool
    message: str


@lru_cache(maxsize=4)
def _load(name: str) -> dict:
    from ..loader import load_content

    data = load_content("transfer-plans", name)
    boxes = [f"{r['id']}-{s['id']}" for r in data["roles"] for s in data["stages"]]
    if len(set(boxes)) != len(boxes):
        raise ValueError(f"transfer grid {name!r}: role and stage ids must be unique")
    missing = [b for b in boxes if b not in data["examples"]]
    extra = [b for b in data["examples"] if b not in boxes]
    if missing or extra:
        raise ValueError(f"transfer grid {name!r}: every box needs one example "
                         f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'})")
    for check in data["checks"]:
        unknown = [b for b in check["boxes"] if b not in boxes]
        if unknown:
            raise ValueError(f"transfer grid {name!r}: check {check['id']!r} names unknown boxes {', '.join(unknown)}")
    return {**data, "boxes": boxes}


def transfer_grid(name: str = GRIDS) -> dict:
    """The grid ``name``, checked: roles, stages, ``boxes`` ('role-stage'), examples and checks."""
    return dict(_load(name))


class TransferPlan:
    """One transfer plan: an action (text) in each box of the grid, and the checks of the grid.

    Parameters
    ----------
    name : str
        The content file of the grid (default ``broad-newstrom``).
    """

    def __init__(self, name: str = GRIDS) -> None:
        self._grid = _load(name)
        self.name = name
        self.actions: dict[str, str] = {b: "" for b in self._grid["boxes"]}

    # -- the grid ------------------------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self._grid["title"]

    @property
    def roles(self) -> list[dict]:
        return [dict(r) for r in self._grid["roles"]]

    @property
    def stages(self) -> list[dict]:
        return [dict(s) for s in self._grid["stages"]]

    @property
    def sources(self) -> list[str]:
        return list(self._grid["sources"])

    @property
    def max_chars(self) -> int:
        return int(self._grid.get("max_chars", 300))

    def _box(self, role: str, stage: str) -> str:
        box = f"{role}-{stage}"
        if box not in self.actions:
            roles = ", ".join(r["id"] for r in self._grid["roles"])
            stages = ", ".join(s["id"] for s in self._grid["stages"])
            raise ValueError(f"no box for role {role!r} and stage {stage!r} (roles: {roles}; stages: {stages})")
        return box

    def example(self, role: str, stage: str) -> str:
        """The example action of a box."""
        return self._grid["examples"][self._box(role, stage)]

    # -- editing -------------------------------------------------------------------------------------------------
    def set(self, role: str, stage: str, text: Any) -> None:
        """Write the action of one box (empty text clears it). Too long or not text: ValueError, box unchanged."""
        box = self._box(role, stage)
        self.actions[box] = clean_text(text, f"action for {role} {stage}", limit=self.max_chars, required=False)

    def get(self, role: str, stage: str) -> str:
        return self.actions[self._box(role, stage)]

    @property
    def filled(self) -> int:
        """How many boxes have an action."""
        return sum(1 for a in self.actions.values() if a)

    # -- checks --------------------------------------------------------------------------------------------------
    def checks(self) -> list[TransferCheck]:
        """Every check of the grid, in the content's order, with the message for its outcome."""
        out = []
        for c in self._grid["checks"]:
            have = [bool(self.actions[b]) for b in c["boxes"]]
            ok = all(have) if c["need"] == "all" else any(have)
            out.append(TransferCheck(c["id"], ok, c["ok"] if ok else c["missing"]))
        return out

    @property
    def problems(self) -> tuple[str, ...]:
        """The messages of the checks that fail."""
        return tuple(c.message for c in self.checks() if not c.ok)

    def to_markdown(self) -> str:
        """The plan as a Markdown table (actions as typed, with '|' escaped), to paste into a trainer's guide."""
        head = "| | " + " | ".join(s["name"] for s in self._grid["stages"]) + " |"
        rule = "|---" * (len(self._grid["stages"]) + 1) + "|"
        rows = []
        for r in self._grid["roles"]:
            cells = [self.actions[f"{r['id']}-{s['id']}"].replace("|", "\\|").replace("\n", " ")
                     for s in self._grid["stages"]]
            rows.append(f"| {r['name']} | " + " | ".join(cells) + " |")
        return "\n".join([head, rule, *rows])
