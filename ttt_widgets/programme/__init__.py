"""Running a train-the-trainer programme: the store of trainers, demos, observations and quiz results.

The rules live in :mod:`ttt_widgets.models` (``demo``, ``observation``, ``pathway``, ``pool``, ``fidelity``); this
package keeps them in the kit's store. Names are loaded lazily, so importing it does not import SQLAlchemy.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "ProgrammeStore": ".store", "PROGRAMME_SCHEMA_VERSION": ".store",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
