"""Grading a class: results kept as they arrive, --resume, and a real Dask cluster that loses a worker mid-run."""

import csv
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import batch, cli, results
from autograder.course import solution_path
from autograder.sandbox import probe
from tests.nbgrader_course import with_answer

LESSON = "02_noise_models"


def fake_grade(path, lesson, **limits):
    """A stand-in for the runner: the score is the notebook's size, so that a changed notebook scores otherwise."""
    return {"notebook": str(path), "lesson": lesson, "flags": [], "error": None,
            "exercises": [{"name": "size", "score": float(Path(path).stat().st_size % 7), "max_score": 7.0,
                           "feedback": "size"}]}


@pytest.fixture
def class_folder(tmp_path):
    root = tmp_path / "submitted"
    for student in ("ann", "bob", "cy"):
        (root / student / LESSON).mkdir(parents=True)
        shutil.copy(solution_path(LESSON), root / student / LESSON)
    return root


def grade(root, out, *options):
    status = cli.main(["grade", str(root), "--out", str(out), "--sandbox", "off", *options])
    assert status == 0
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return rows, [json.loads(line) for line in out.with_name("results.jsonl").read_text().splitlines()]


def test_each_notebook_is_logged_once_as_it_arrives(class_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "grade_notebook", fake_grade)
    rows, log = grade(class_folder, tmp_path / "grades" / "grades.csv", "--jobs", "2")
    assert sorted(r["student"] for r in rows) == ["ann", "bob", "cy"]
    assert sorted(e["student"] for e in log) == ["ann", "bob", "cy"]
    assert all(e["digest"].startswith("sha256:") and e["seconds"] >= 0 for e in log)


def test_resume_grades_only_what_the_log_lacks_and_a_notebook_handed_in_again(class_folder, tmp_path, monkeypatch):
    graded = []
    monkeypatch.setattr(batch, "grade_notebook", lambda path, lesson, **limits: graded.append(path) or fake_grade(path, lesson))
    out = tmp_path / "grades" / "grades.csv"
    grade(class_folder, out)
    assert len(graded) == 3
    # the run was stopped while writing a line, and since then bob handed in again and dee for the first time
    with open(out.with_name("results.jsonl"), "a") as log:
        log.write('{"student": "cy", "lesson"')
    (class_folder / "bob" / LESSON / f"{LESSON}.ipynb").write_text(
        (class_folder / "bob" / LESSON / f"{LESSON}.ipynb").read_text() + "\n\n")
    shutil.copytree(class_folder / "ann", class_folder / "dee")
    graded.clear()
    rows, log = grade(class_folder, out, "--resume")
    assert len(graded) == 2
    assert sorted(e["student"] for e in log[3:]) == ["bob", "dee"]
    assert sorted(r["student"] for r in rows) == ["ann", "bob", "cy", "dee"]
    bob = next(r for r in rows if r["student"] == "bob")
    assert float(bob["score"]) == (class_folder / "bob" / LESSON / f"{LESSON}.ipynb").stat().st_size % 7


def test_resume_refuses_a_log_that_is_not_one(class_folder, tmp_path, capsys):
    out = tmp_path / "grades" / "grades.csv"
    out.parent.mkdir()
    out.with_name("results.jsonl").write_text("not a record\n{}\n")
    assert cli.main(["grade", str(class_folder), "--out", str(out), "--resume"]) == 2
    assert "cannot resume" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_line(class_folder, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("autograder.cluster.CONNECT_TIMEOUT_S", 2)
    status = cli.main(["grade", str(class_folder), "--out", str(tmp_path / "g.csv"), "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: no Dask scheduler at tcp://127.0.0.1:9")


def test_the_options_that_choose_where_to_grade_exclude_each_other(class_folder, capsys):
    with pytest.raises(SystemExit):
        cli.main(["grade", str(class_folder), "--jobs", "2", "--workers", "2"])
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.slow
def test_a_dask_cluster_that_loses_a_worker_grades_everyone_once_as_one_machine_does(tmp_path):
    """Three students on a real local Dask cluster of two worker processes; one is killed while it grades."""
    from distributed import Client, LocalCluster

    root = tmp_path / "submitted"
    wrong = with_answer(LESSON, "add_gaussian_noise", "sigma * rng.standard_normal", "sigma**2 * rng.standard_normal")
    for student in ("ann", "bob", "cy"):
        (root / student / LESSON).mkdir(parents=True)
        shutil.copy(solution_path(LESSON), root / student / LESSON)
    nbformat.write(wrong, root / "bob" / LESSON / f"{LESSON}.ipynb")
    sandbox = "required" if not probe() else "off"
    one_machine, _ = _grade(root, tmp_path / "one" / "grades.csv", sandbox, "--jobs", "1")

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        killed = {}

        def kill_a_busy_worker():
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not killed:
                busy = [address for address, tasks in client.processing().items() if tasks]
                if len(busy) == 2:
                    time.sleep(8)  # well into grading: the zygote and a kernel are running
                    nanny = next(n for n in cluster.workers.values() if n.worker_address == busy[0])
                    killed["pid"] = nanny.process.process.pid
                    os.kill(killed["pid"], signal.SIGKILL)
                time.sleep(0.5)

        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        distributed, log = _grade(root, tmp_path / "dask" / "grades.csv", sandbox, "--scheduler", cluster.scheduler_address)
        killer.join()
    assert killed, "no worker was killed: the test proved nothing"
    assert sorted((e["student"], e["lesson"]) for e in log) == [(s, LESSON) for s in ("ann", "bob", "cy")]
    assert distributed == one_machine
    assert distributed[("bob", "add_gaussian_noise")][0] < distributed[("ann", "add_gaussian_noise")][0]


def _grade(root, out, sandbox, *options):
    """Grade with the command line; ({(student, exercise): (score, max_score)}, the log's records)."""
    assert cli.main(["grade", str(root), "--out", str(out), "--sandbox", sandbox, *options]) == 0
    with open(out.with_name("grades_exercises.csv")) as f:
        points = {(r["student"], r["exercise"]): (float(r["score"]), float(r["max_score"])) for r in csv.DictReader(f)}
    return points, results.read(out.with_name("results.jsonl"))


@pytest.mark.slow
def test_workers_starts_a_local_cluster_and_grades_there(tmp_path, capsys):
    root = tmp_path / "submitted"
    (root / "ann" / LESSON).mkdir(parents=True)
    shutil.copy(solution_path(LESSON), root / "ann" / LESSON)
    points, log = _grade(root, tmp_path / "grades" / "grades.csv", "off", "--workers", "1")
    assert [(e["student"], e["lesson"]) for e in log] == [("ann", LESSON)]
    assert all(score == full for score, full in points.values())
    assert "1/1  ann: 02_noise_models 14/14" in capsys.readouterr().err
