"""``BaseStore``: what `quiz review` needs of the store, and nothing more, assembled from its families.

Opening and migrating (``opening``), backups (``backups``), the session's queries (``queue``),
review writes (``reviews``), settings and FSRS states (``scheduling``), suspensions
(``suspension``), imports (``imports``, for the first run's bundled decks) and the applied study
plan (``plans``). It uses the standard library's ``sqlite3`` only; sqlite-utils is imported when a
migration needs it, and the other commands' families are added by ``Store`` (``assembly``).
"""

from __future__ import annotations

from quizcards.store.imports import Imports
from quizcards.store.opening import Opening
from quizcards.store.plans import StudyPlans
from quizcards.store.queue import Queue
from quizcards.store.reviews import Reviews
from quizcards.store.scheduling import Scheduling
from quizcards.store.suspension import Suspensions


class BaseStore(StudyPlans, Queue, Reviews, Scheduling, Suspensions, Imports, Opening):
    """A quizcards database as the review session uses it; ``Store`` adds the other commands' queries."""
