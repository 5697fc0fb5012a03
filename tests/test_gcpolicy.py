"""nahbei.gcpolicy under `mkdocs serve`: frozen garbage of earlier builds is
collected once it may have grown by a quarter, not at every rebuild."""
from __future__ import annotations

import gc
import weakref

import pytest

from nahbei import gcpolicy


class Node:
    def __init__(self):
        self.other = None


@pytest.fixture
def clean_freeze():
    gc.collect()
    gc.unfreeze()
    gcpolicy._frozen_after_collection.clear()
    yield
    gc.unfreeze()
    gcpolicy._frozen_after_collection.clear()
    gc.collect()


def _cycles(n):
    out = []
    for _ in range(n):
        a, b = Node(), Node()
        a.other, b.other = b, a
        out.append(a)
    return out


def test_a_rebuild_without_new_frozen_garbage_skips_the_full_collection(clean_freeze):
    model = [{"id": i} for i in range(20_000)]  # a model without cycles
    gcpolicy.keep_for_build()  # first build
    model = [{"id": i} for i in range(20_000)]  # the next build's model; the old one freed by refcount
    assert gcpolicy.release_previous_build() is False
    gcpolicy.keep_for_build()
    assert model


def test_frozen_cycles_are_collected_once_they_grow_by_a_quarter(clean_freeze):
    keep = _cycles(10_000)
    gcpolicy.keep_for_build()
    frozen = gc.get_freeze_count()
    # a build freezes cycles that die afterwards: refcounting cannot free them
    dead = _cycles(frozen // 10)
    gcpolicy.keep_for_build()
    probe = weakref.ref(dead[0])
    del dead
    assert probe() is not None  # frozen and cyclic: still there
    assert gcpolicy.release_previous_build() is False  # +10 %: not yet
    dead = _cycles(frozen // 5)
    gcpolicy.keep_for_build()
    del dead
    assert gcpolicy.release_previous_build() is True  # +30 %: collected
    assert probe() is None
    assert keep[0].other.other is keep[0]
    gcpolicy.keep_for_build()
    assert gcpolicy.release_previous_build() is False
