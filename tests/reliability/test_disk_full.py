"""The disk fills up while indexing: `docnook index` stops with a sentence that says so, the
index keeps the documents finished before (whole, and nothing of the one that did not fit),
and once there is room again the same command finishes the job.

Two ways to run out of room: a real, small filesystem (a 1 MB tmpfs mounted in a private mount
namespace, where one can be made) and a file size limit (RLIMIT_FSIZE, anywhere: writes past
it fail with EFBIG, as on a disk whose file system caps a file's size)."""

from __future__ import annotations

import random
import resource
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indexcheck import check_index
from pdfmaker import make_pdf
from processes import docnook_command, environment, run

pytestmark = pytest.mark.slow

WORDS = ["easement", "parcel", "boundary", "survey", "deed", "title", "covenant", "lien"]
ROOM = 1024 * 1024


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """More than fits in 1 MB of index: 16 documents of 20 full pages."""
    folder = tmp_path_factory.mktemp("deeds")
    rng = random.Random(5)
    for n in range(16):
        make_pdf(
            folder / f"deed-{n:02d}.pdf",
            [
                f"Deed {n}, page {p}. " + " ".join(rng.choice(WORDS) for _ in range(200)) + "."
                for p in range(1, 21)
            ],
        )
    return folder


FULL = "is full. Free some space and try again; nothing was lost."
WRITE_ERROR = "could not be written: the disk reported an error"


def _assert_stopped_and_consistent(returncode: int, stderr: str, data: Path, said: str) -> int:
    assert returncode == 1, stderr
    assert "Traceback" not in stderr
    message = stderr.strip().splitlines()[-1]
    assert message.startswith("docnook: ") and said in message, message
    state = check_index(data / "library.sqlite3")
    assert state.problems == [], state.problems
    assert set(state.documents.values()) <= {"indexed"}
    assert 0 < len(state.indexed()) < 16, "some documents fitted, not all"
    return len(state.indexed())


def _finish_with_room(data: Path, batch: Path, stored: int) -> None:
    final = run(["index", str(batch), "--json"], environment(data))
    assert final.returncode == 0, final.stderr
    report = final.json()
    assert (report["unchanged"], report["indexed"], report["failed"]) == (stored, 16 - stored, 0)
    state = check_index(data / "library.sqlite3")
    assert state.problems == [] and len(state.indexed()) == 16


def _can_mount_tmpfs() -> list[str] | None:
    """The unshare command that gives a private mount namespace where tmpfs can be mounted."""
    if not shutil.which("unshare"):
        return None
    for prefix in (["unshare", "-m"], ["unshare", "-rm"]):
        probe = subprocess.run(
            [*prefix, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
            capture_output=True,
        )
        if probe.returncode == 0:
            return prefix
    return None


def test_a_full_filesystem(batch: Path, tmp_path: Path, embedder) -> None:
    prefix = _can_mount_tmpfs()
    if prefix is None:
        pytest.skip("no private mount namespace with tmpfs can be made here")
    small = tmp_path / "small-disk"
    small.mkdir()
    saved = tmp_path / "after"  # the tmpfs goes with its namespace: its content is copied out
    index = shlex.join(docnook_command("index", str(batch)))
    script = (
        f"mount -t tmpfs -o size={ROOM},mode=0700 tmpfs {small} || exit 99; "
        f"{index} > {tmp_path}/out 2> {tmp_path}/err; code=$?; "
        f"cp -a {small}/data {saved}; df -k {small} | tail -1 > {tmp_path}/df; exit $code"
    )
    env = environment(small / "data")
    result = subprocess.run([*prefix, "sh", "-c", script], env=env, timeout=600)
    assert result.returncode != 99, "tmpfs could not be mounted"
    stderr = (tmp_path / "err").read_text()
    print("tmpfs after the failure:", (tmp_path / "df").read_text().strip())
    stored = _assert_stopped_and_consistent(result.returncode, stderr, saved, FULL)
    _finish_with_room(saved, batch, stored)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, ROOM))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_a_file_size_limit(batch: Path, tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    limited = run(["index", str(batch)], environment(data), preexec_fn=_limit_file_size)
    # SQLite reports EFBIG as an I/O error, not as a full disk: a file too large for its disk
    # (FAT32's 4 GB) reads the same. Whatever the words, the index must stay whole.
    stored = _assert_stopped_and_consistent(limited.returncode, limited.stderr, data, WRITE_ERROR)
    _finish_with_room(data, batch, stored)
