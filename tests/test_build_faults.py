"""Builds that cannot corrupt: one build at a time per folder, the site recovered after a
kill between the swap's two renames, no leftovers, and no worker outliving its parent."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support import build, tree_digest

pytestmark = pytest.mark.slow


def test_a_second_build_in_the_same_folder_says_so_and_leaves_the_site(built_demo):
    root, before = built_demo
    fd = os.open(root, os.O_RDONLY)  # what a running build holds
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = build(root)
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "unkept: error: another unkept build is running in this folder; the site was not "
        "built: wait for it to finish"
    )
    assert tree_digest(root / "site") == before
    assert build(root).returncode == 0  # released with its process


def test_a_kill_between_the_swaps_renames_is_recovered_by_the_next_build(built_demo):
    root, before = built_demo
    (root / "site").rename(root / "site.old-4242")  # killed before the new site moved in
    (root / "site.tmp-4343").mkdir()  # a half-built copy of another killed build
    (root / "site.tmp-4343" / "index.html").write_text("half")
    (root / "cases" / "brightcart" / "brightcart-sofa-refund.yml").write_text("title: [\n")
    result = build(root)  # fails on the broken case, yet puts the previous site back
    assert result.returncode == 1
    assert tree_digest(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site.")) == []


WORKERS = """
import sys, time
sys.path.insert(0, {repo!r})
from generator.workers import process_pool

def pid(state, _):
    import os
    return os.getpid()

with process_pool(2, None) as pool:
    pids = sorted(set(pool.map(pid, range(40))))
    print(" ".join(map(str, pids)), flush=True)
    time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie is dead, waiting to be reaped
        return handle.read().split(") ", 1)[1][0] != "Z"


def test_workers_die_with_their_killed_parent(tmp_path):
    from tests.support import REPO

    script = tmp_path / "pool.py"
    script.write_text(WORKERS.format(repo=str(REPO)))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers
        assert all(alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in workers)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def forge(path, change, *, text=False):
    """Rewrite the case data file's entries with `change` (on each entry's data, or on its
    JSON text with `text`), with a checksum that matches, as a file written elsewhere a
    minute ago (a CI cache restored here): a file written in this checkout within seconds
    of its header's time is trusted, so a test run right after the demo's build would
    otherwise find the forged data trusted and published."""
    import hashlib
    import json

    head, _, body = path.read_bytes().partition(b"\n")
    entries = dict(line.split(" ", 1) for line in body.decode().splitlines())
    if not text:
        entries = {d: json.loads(t) for d, t in entries.items()}
    change(entries)
    if not text:
        entries = {d: json.dumps(v) for d, v in entries.items()}
    body = "".join(f"{d} {t}\n" for d, t in sorted(entries.items())).encode()
    header = json.loads(head)
    header["checksum"] = hashlib.sha256(body).hexdigest()
    header["written_ns"] -= 60 * 10**9
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "bad", [{}, {"title": 3}, [], "x", None], ids=["empty", "wrong", "list", "text", "not-json"]
)
def test_a_forged_cache_entry_is_a_cache_miss_not_a_traceback(built_demo, bad):
    root, before = built_demo
    docs = root / ".unkept-cache" / "docs.jsonl"
    if bad is None:  # not JSON at all
        forge(docs, lambda entries: entries.update(dict.fromkeys(entries, "{x")), text=True)
    else:
        forge(docs, lambda entries: entries.update(dict.fromkeys(entries, bad)))
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(root / "site") == before


def test_a_forged_entry_of_the_right_shape_is_validated_before_it_is_published(built_demo):
    """A checksummed entry that builds a case (a title of 500 characters and a control
    character) came from a cache someone else wrote: it is checked like a file, found
    wrong, and the case is read from its file instead."""
    root, before = built_demo
    docs = root / ".unkept-cache" / "docs.jsonl"

    def tamper(entries):
        for data in entries.values():
            data["title"] = "\x07" + "x" * 500

    forge(docs, tamper)
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert tree_digest(root / "site") == before
    assert "x" * 500 not in docs.read_text()  # saved again from the files
