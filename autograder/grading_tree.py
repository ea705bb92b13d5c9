"""The course's code as the sandboxed kernel sees it while it is graded: the student edition, no answers.

The kernel imports ``autograder`` and ``dae_reference`` (the lessons' set-up
cells do). It gets the student edition of both (``deploy/student_build.py``):
the quick checks without the hidden ones, the reference without the graded
functions, plus the modules that answer the grader's calls (``answering``,
``wire``) and the sandbox's launcher (``sandbox``), and each lesson's
``earlier_answers/``, which its release carries. The checks, their hidden inputs and the answers stay with the
grader, outside.

Built once for each version of the course's sources (about 20 s), in a cache
folder (``$XDG_CACHE_HOME/dae-course``, else ``~/.cache/dae-course``), and
reused by every grading run after; the five newest versions are kept.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course import ROOT

SOURCES = ["autograder", "dae_reference", "solutions", "lessons", "deploy/student_build.py", "deploy/replay.py"]
KERNEL_MODULES = ["answering.py", "wire.py", "sandbox.py"]  # the kernel's side of grading and its launcher


class TreeUnavailable(RuntimeError):
    """The student edition could not be built: the message says why in one line."""


def cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dae-course" / "grading-tree"


def fingerprint():
    """A hash of every source the student edition is built from."""
    digest = hashlib.sha256()
    for name in SOURCES:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix in (".pyc", ".keras") or ".ipynb_checkpoints" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def grading_tree():
    """The folder holding ``autograder/``, ``dae_reference/`` and ``earlier/<lesson>/earlier_answers/``; built if missing."""
    tree = cache_root() / fingerprint()
    if (tree / "complete").exists():
        return tree
    tree.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="building-", dir=tree.parent))
    try:
        for args in ([str(scratch / "edition")], ["--earlier", str(scratch / "earlier")]):
            done = subprocess.run([sys.executable, "-m", "deploy.student_build", *args], cwd=ROOT,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
                raise TreeUnavailable(f"the student edition could not be built: {last[:300]}")
        built = scratch / "tree"
        built.mkdir()
        for package in ("autograder", "dae_reference"):
            shutil.move(scratch / "edition" / package, built / package)
        for name in KERNEL_MODULES:
            shutil.copy2(ROOT / "autograder" / name, built / "autograder" / name)
        shutil.move(scratch / "earlier", built / "earlier")
        (built / "complete").write_text(fingerprint() + "\n")
        try:
            built.rename(tree)
        except OSError:  # another grading run built it meanwhile
            if not (tree / "complete").exists():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _prune(tree.parent, keep=tree)
    return tree


def _prune(folder, keep, newest=5):
    """Remove all but the ``newest`` trees of ``folder`` (never ``keep``): older versions of the course."""
    trees = sorted((p for p in folder.iterdir() if (p / "complete").exists() and p != keep),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in trees[newest - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def earlier_answers(tree, lesson):
    """The folder of ``lesson``'s earlier answers in ``tree``, or None if it builds on none."""
    folder = Path(tree) / "earlier" / lesson / "earlier_answers"
    return folder if folder.is_dir() else None
