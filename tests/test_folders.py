"""Page folders made ahead in a thread (nahbei.mkdocs.folders): every planned
folder exists afterwards, in any depth, and a stop ends the thread."""
from __future__ import annotations

import threading

from nahbei.mkdocs.folders import FolderMaker


def test_every_planned_folder_is_made(tmp_path):
    folders = [str(tmp_path / "site" / kind / f"e{i}") for kind in ("angebote", "orte") for i in range(200)]
    maker = FolderMaker()
    maker.plan(folders + folders[:10])  # a folder twice: made once
    maker.start()
    maker.finish()
    assert all((tmp_path / "site" / kind / f"e{i}").is_dir() for kind in ("angebote", "orte") for i in range(200))
    assert maker.made == 400
    assert not [t for t in threading.enumerate() if t.name == "nahbei-folders"]


def test_a_folder_that_cannot_be_made_is_left_to_mkdocs(tmp_path):
    (tmp_path / "file").write_text("x")
    maker = FolderMaker()
    maker.plan([str(tmp_path / "file" / "page"), str(tmp_path / "ok")])
    maker.start()
    maker.finish()
    assert (tmp_path / "ok").is_dir() and maker.made == 1


def test_stop_ends_the_thread_early(tmp_path):
    maker = FolderMaker()
    maker.plan(str(tmp_path / f"f{i}") for i in range(20000))
    maker.start()
    maker.stop()
    assert maker.thread is None and maker.made < 20000
