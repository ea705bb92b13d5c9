"""``python -m autograder grade``: a folder of mixed submissions into grades.csv."""

import csv

import nbformat
import pytest

from autograder import cli, core, runner
from autograder.course import lesson_path, solution_path
from tests.nbgrader_course import with_answer, with_answers

pytestmark = pytest.mark.slow


def save(notebook, folder, lesson):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{lesson}.ipynb")


# Wrong answers, three or so per lesson: (name, lesson, answer cell, line, replacement). Each lesson's are handed
# in together, in one notebook (``wrong_student``): each must lose points at its own exercise and nowhere else,
# which one notebook with all of them shows as well as one notebook each, in a third of the grading time.
# Lesson 2's are in the fixture, one notebook each, with the pathological submissions. Lesson 4's
# mistakes leave the smoke training as it was (its learning rate is Adam's
# default, grading runs on a CPU, and validation noise drawn anew each epoch
# gives about the same loss), so that they lose points at their own exercise only.
WRONG_NOTEBOOKS = [
    ("sums", "01_autoencoder_theory", "mse", "np.mean((x - x_hat) ** 2)", "np.sum((x - x_hat) ** 2)"),
    ("inverts", "01_autoencoder_theory", "compression_ratio", "np.prod(input_shape) / np.prod(code_shape)",
     "np.prod(code_shape) / np.prod(input_shape)"),
    ("uncentred", "01_autoencoder_theory", "pca_reconstruct", "mean = flat.mean(axis=0)", "mean = 0 * flat.mean(axis=0)"),
    ("no_bias", "03_conv_autoencoder", "conv2d_params", "in_channels * filters + filters", "in_channels * filters"),
    ("averages", "03_conv_autoencoder", "build_encoder", 'x = layers.MaxPooling2D(2, padding="same")(x)',
     'x = layers.AveragePooling2D(2, padding="same")(x)'),
    ("linear_out", "03_conv_autoencoder", "build_decoder", 'activation="sigmoid"', "activation=None"),
    ("default_rate", "04_training", "train_autoencoder", "Adam(learning_rate=learning_rate)", "Adam()"),
    ("cpu_only", "04_training", "choose_precision", 'gpus = tf.config.list_physical_devices("GPU")', 'return "float32"'),
    ("reversed", "04_training", "regime_gap", "gaps = fixed / fresh - 1", "gaps = fresh / fixed - 1"),
    ("redraws_val", "04_training", "make_datasets", "from_tensor_slices((x_val_noisy, x_val))",
     "from_tensor_slices(x_val).map(lambda clean: (tf.clip_by_value(clean + tf.random.normal(tf.shape(clean), "
     "stddev=sigma), 0.0, 1.0), clean))"),
    ("wrong_axis", "05_evaluation", "error_report", "** 2, axis=1)", "** 2, axis=0)"),
    ("sums_classes", "05_evaluation", "error_report", "errors[labels == c].mean()", "errors[labels == c].sum()"),
    ("levels_per_batch", "05_evaluation", "add_blind_noise", "size=len(x))", "size=1)"),
    ("flipped", "06_ethics", "audit", "np.mean(test_errors) - np.mean(train_errors)",
     "np.mean(train_errors) - np.mean(test_errors)"),
    ("best_over_worst", "06_ethics", "audit", "means.max() / means.min()", "means.min() / means.max()"),
    ("scores_train", "06_ethics", "linear_probe", "classifier.predict(scaler.transform(test)) == np.asarray(y_test)",
     "classifier.predict(scaler.transform(train)) == np.asarray(y_train)"),
    ("same_noise", "07_denoising_to_generation", "noise2noise_pairs", "targets = x + sigma * rng.standard_normal(x.shape)",
     "targets = inputs.copy()"),
]

def wrong_student(lesson):
    return f"wrong_{lesson[:2]}"


WRONG_LESSONS = sorted({w[1] for w in WRONG_NOTEBOOKS})
# student -> the exercises their notebook gets wrong
WRONG_EXERCISES = {wrong_student(lesson): {w[2] for w in WRONG_NOTEBOOKS if w[1] == lesson} for lesson in WRONG_LESSONS}

# The lesson 2 students of the fixture whose notebook breaks one exercise, and that exercise.
BROKEN_LESSON_2 = [("variance", "add_gaussian_noise"), ("exits", "psnr"), ("greedy", "add_masking_noise"), ("loops", "psnr"),
                   ("crashes", "psnr"), ("quits", "psnr"), ("copier", "add_masking_noise"), ("syntax", "psnr"),
                   ("renamed", "psnr"), ("missing_module", "add_masking_noise"), ("nans", "add_salt_and_pepper_noise")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("submitted")
    # The solver hands in the two lessons the pytest front end grades again (tests/test_grading.py grades every
    # lesson's solution through the command line and nbgrader): the wrong answers are held to full marks elsewhere.
    for lesson in ("02_noise_models", "04_training"):
        save(nbformat.read(solution_path(lesson), as_version=4), root / "solver", lesson)
    for lesson in WRONG_LESSONS:
        save(with_answers(lesson, [w[2:] for w in WRONG_NOTEBOOKS if w[1] == lesson]), root / wrong_student(lesson),
             lesson)
    lesson = "02_noise_models"
    save(nbformat.read(lesson_path(lesson), as_version=4), root / "beginner", lesson)
    save(with_answer(lesson, "add_gaussian_noise", "sigma * rng.standard_normal", "sigma**2 * rng.standard_normal"),
         root / "variance", lesson)
    save(with_answer(lesson, "psnr", "error = np.mean", "import sys; sys.exit(1)\n    error = np.mean"), root / "exits", lesson)
    save(with_answer(lesson, "add_masking_noise", "rng = np.random.default_rng(seed)",
                     "big = np.ones((60_000, 60_000))\n    rng = np.random.default_rng(seed)"), root / "greedy", lesson)
    save(with_answer(lesson, "psnr", "error = np.mean", "import os; os._exit(3)\n    error = np.mean"), root / "crashes", lesson)
    save(with_answer(lesson, "psnr", "### END SOLUTION", "### END SOLUTION\nimport os; os._exit(3)"), root / "quits", lesson)
    save(with_answer(lesson, "psnr", "error = np.mean", "while True:\n        pass\n    error = np.mean"), root / "loops", lesson)
    save(with_answer(lesson, "add_masking_noise", "rng = np.random.default_rng(seed)",
                     "from dae_reference.noise import add_masking_noise as reference\n    return reference(x, fraction, seed)"),
         root / "copier", lesson)
    save(with_answer(lesson, "psnr", "error = np.mean", "error = np.mean(\n    error = np.mean"), root / "syntax", lesson)
    save(with_answer(lesson, "add_masking_noise", "def add_masking_noise", "import noise_tools\n\ndef add_masking_noise"),
         root / "missing_module", lesson)
    save(with_answer(lesson, "psnr", "def psnr(", "def peak_snr("), root / "renamed", lesson)
    save(with_answer(lesson, "add_salt_and_pepper_noise", "rng = np.random.default_rng(seed)",
                     "return np.full_like(x, np.nan)\n    rng = np.random.default_rng(seed)"), root / "nans", lesson)
    save(with_answer(lesson, "psnr", "### END SOLUTION", "### END SOLUTION\nfor _ in range(200_000):\n    print('blah' * 80)"),
         root / "chatty", lesson)  # 65 MB of output, and right answers
    shortcut = nbformat.read(lesson_path(lesson), as_version=4)  # edits a locked cell and a test cell
    for cell in shortcut.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in ("setup", "test_psnr"):
            cell.source += "\npsnr = lambda x, y, data_range=1.0: 99.0"
    save(shortcut, root / "shortcut", lesson)
    (root / "broken").mkdir()
    (root / "broken" / f"{lesson}.ipynb").write_text("{not json")
    (root / "empty").mkdir()
    (root / "empty" / f"{lesson}.ipynb").write_text("")
    out = root.parent / "report" / "grades.csv"
    # 150 s a cell: an endless loop is stopped, while the slowest cells (lessons 1 and 4's experiments, 20 to 25 s
    # on a quiet 2-core machine) keep room for two jobs at once beside make test's other worker (at 60 s, lesson 1's
    # experiment was stopped there).
    status = cli.main(["grade", str(root), "--out", str(out), "--jobs", "2", "--cell-timeout", "150"])
    with open(out) as f:
        grades = {row["student"]: row for row in csv.DictReader(f) if row["notebook"] == lesson}
    with open(out.with_name("grades_exercises.csv")) as f:
        exercises = {(row["student"], row["exercise"]): row for row in csv.DictReader(f)}
    return status, grades, exercises, out


def points(exercises, student):
    return {exercise: float(row["score"]) for (who, exercise), row in exercises.items() if who == student}


def test_grading_succeeds_whatever_the_students_did(graded):
    status, grades, _, out = graded
    assert status == 0
    assert set(grades) == {"solver", "beginner", "variance", "exits", "greedy", "loops", "copier", "shortcut", "broken", "empty",
                            "crashes", "quits", "syntax", "missing_module", "renamed", "nans", "chatty"}
    assert {student for student, _ in graded[2]} >= set(WRONG_EXERCISES)
    assert (out.parent / "feedback" / "solver.txt").exists()


def test_solution_full_marks_stub_zero(graded):
    _, grades, _, _ = graded
    assert grades["solver"]["score"] == grades["solver"]["max_score"] == grades["chatty"]["score"] == "14"
    assert grades["beginner"]["score"] == "0"


@pytest.mark.parametrize("student, broken", [(student, {exercise}) for student, exercise in BROKEN_LESSON_2]
                         + sorted(WRONG_EXERCISES.items()))
def test_a_wrong_answer_loses_points_there_only(graded, student, broken):
    _, _, exercises, _ = graded
    got = points(exercises, student)
    full = {name: core.exercise(name).max_points for name in got}
    for exercise in broken:
        assert got[exercise] < full[exercise], exercise
    assert {name: score for name, score in got.items() if name not in broken} == \
           {name: score for name, score in full.items() if name not in broken}


def test_locked_and_test_cells_are_restored_and_their_edits_flagged(graded):
    _, grades, exercises, _ = graded
    assert points(exercises, "shortcut")["psnr"] == 0
    assert "changed the locked cell setup" in grades["shortcut"]["flags"]
    assert "changed the locked cell test_psnr" in grades["shortcut"]["flags"]


def test_feedback_says_why(graded):
    _, grades, exercises, out = graded
    assert "variance" in exercises[("variance", "add_gaussian_noise")]["feedback"]
    assert "sys.exit()" in exercises[("exits", "psnr")]["feedback"]
    assert "MemoryError" in exercises[("greedy", "add_masking_noise")]["feedback"]
    assert "150 s" in exercises[("loops", "psnr")]["feedback"]
    assert "reference implementation" in exercises[("copier", "add_masking_noise")]["feedback"]
    assert "stopped before defining it, with SyntaxError" in exercises[("syntax", "psnr")]["feedback"]
    assert "ModuleNotFoundError: No module named 'noise_tools'" in exercises[("missing_module", "add_masking_noise")]["feedback"]
    assert "still called psnr" in exercises[("renamed", "psnr")]["feedback"]
    assert "returned NaN" in exercises[("nans", "add_salt_and_pepper_noise")]["feedback"]
    assert "the kernel died while this cell ran" in exercises[("crashes", "psnr")]["feedback"]
    assert "the kernel died in cell test_psnr" in grades["crashes"]["flags"]  # psnr's test called it
    assert "the kernel died in cell psnr" in grades["quits"]["flags"]  # the answer cell itself quit
    assert "dae_reference" in grades["copier"]["flags"]
    for student in ("broken", "empty"):
        assert grades[student]["score"] == "0" and "unreadable" in grades[student]["flags"]
    assert "not a readable notebook" in (out.parent / "feedback" / "broken.txt").read_text()


def test_an_undefined_name_in_a_test_cell_is_explained():
    def cell(source, error=None, **metadata):
        cell = nbformat.v4.new_code_cell(source, metadata=metadata)
        if error:
            cell.outputs = [nbformat.v4.new_output("error", ename=error[0], evalue=error[1], traceback=[])]
        return cell

    def feedback(test_source, name, failed_cells):
        undefined = ("NameError", f"name '{name}' is not defined")
        test = cell(test_source, undefined, nbgrader={"grade_id": "test_" + test_source.split('"')[1]})
        failed = {runner._cell_name(c): runner._error(c) for c in failed_cells}
        return runner._feedback(test, 1.0, 120, failed)

    broken_answer = cell("def psnr(x, y):\n    return (", ("SyntaxError", "'(' was never closed"), answer="psnr")
    assert feedback('grade("psnr", psnr)', "psnr", [broken_answer]) == \
        "psnr is not defined: your cell psnr stopped before defining it, with SyntaxError: '(' was never closed"
    assert "still called psnr" in feedback('grade("psnr", psnr)', "psnr", [])
    failed_training = cell("history = train(model)\n", ("ValueError", "bad data"), nbgrader={"grade_id": "train"})
    assert feedback('grade("training_result", history)', "history", [failed_training]) == \
        "history is not defined: an earlier cell failed (cell train: ValueError: bad data)"
    unnamed = cell("x = 1 / 0  # a cell the student added\n", ("ZeroDivisionError", "division by zero"))
    assert "(cell 'x = 1 / 0  # a cell the student added': ZeroDivisionError" in \
        feedback('grade("training_result", history)', "history", [unnamed])


def test_bad_path_is_a_one_line_usage_error(tmp_path, capsys):
    assert cli.main(["grade", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert cli.main(["grade", str(tmp_path), "--jobs", "0"]) == 2


def test_pytest_front_end_agrees_with_the_command_line(graded, tmp_path):
    import subprocess
    import sys
    import xml.etree.ElementTree as ElementTree

    from autograder.course import ROOT

    import shutil

    _, _, exercises, out = graded
    # Two of the solver's notebooks, the one with the pathological students and the one that trains: the front end
    # runs the same grading as the command line, so two lessons show the two agree as well as seven would.
    chosen = ("02_noise_models", "04_training")
    solver = tmp_path / "solver"
    solver.mkdir()
    for lesson in chosen:
        shutil.copy2(next(out.parent.parent.glob(f"submitted*/solver/{lesson}.ipynb")), solver)
    report = tmp_path / "report.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "autograder"), "--submission", str(solver),
                           "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                           "-o", "junit_family=xunit1"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    points = {case.get("name").split("/")[-1].rstrip("]"): float(next(p.get("value") for p in case.iter("property")
                                                                          if p.get("name") == "points"))
              for case in cases}
    assert points == {name: float(row["score"]) for (who, name), row in exercises.items()
                      if who == "solver" and row["notebook"] in chosen}
