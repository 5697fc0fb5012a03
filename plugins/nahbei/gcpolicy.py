"""How the build uses Python's cyclic garbage collector: the one place that sets it.

The directory's model and views are ~10^6 small objects that live for the
whole build and hold no reference cycles worth collecting. Left to itself the
collector rescans them at every full collection (0.3 s each on 10,000 entries)
and, in a forked second process (nahbei.parallel), touches their memory so that
the kernel copies it. Reference counting still frees everything else.

- :func:`paused`: no cyclic collection while a phase makes many objects and
  no cycles (loading the content, serialising the feeds).
- :func:`keep_for_build`: everything alive now lives for the build (the model
  after loading, the dates computed before the fork): the collector skips it.
- :func:`release_previous_build`: under ``mkdocs serve`` what the last
  rebuild froze is garbage now. Reference counting frees what holds no cycle,
  frozen or not; only garbage in cycles stays frozen. So a full collection
  (0.8 s at N=10,000, and it usually finds nothing) runs only once the frozen
  objects have grown by a quarter since the last one: CPython's own rule for
  full collections, which bounds what a long preview keeps.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


GROWTH = 1.25  # collect once the frozen objects grew by a quarter (CPython's full-collection rule)
_frozen_after_collection: list[int] = []  # frozen objects after the first freeze since a full collection


def keep_for_build() -> None:
    gc.freeze()
    if not _frozen_after_collection:
        _frozen_after_collection.append(gc.get_freeze_count())


def release_previous_build() -> bool:
    """Collect the frozen garbage of earlier builds if it may have grown by a
    quarter; whether it collected."""
    if _frozen_after_collection and gc.get_freeze_count() <= _frozen_after_collection[0] * GROWTH:
        return False
    gc.unfreeze()
    gc.collect()
    _frozen_after_collection.clear()
    return True
