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
- :func:`release_previous_build`: under ``mkdocs serve`` the last rebuild's
  frozen objects are garbage now; unfreeze and collect them once.
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


def keep_for_build() -> None:
    gc.freeze()


def release_previous_build() -> None:
    gc.unfreeze()
    gc.collect()
