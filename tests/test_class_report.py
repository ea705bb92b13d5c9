"""``python -m autograder report``: what it reads of a grading run, the summary it makes, the page it writes."""

import json

import pytest

from autograder import class_report, cli
from tests.class_report_run import CHECKS, UNREADABLE, graded, small_class, write_run

HOSTILE_ID = "<script>alert(1)"  # a student in small_class()
GAUSSIAN_STD = CHECKS["02_noise_models"]["add_gaussian_noise"][1][0]  # failed by bob and carol

# An exercise's feedback as the grader wrote it for a real submission that scaled the noise by sigma**2.
REAL_FEEDBACK = """add_gaussian_noise: 3 / 4 points
  ok   returns a float array of the input's shape in [0, 1] and leaves the input alone (1 pt)
  FAIL with clip=False the added noise is sigma * N(0, 1): mean 0, standard deviation sigma, a normal distribution (1 pt)
       -> with sigma=0.3 the added noise has standard deviation 0.089, expected about 0.3: you scaled N(0, 1) by \
sigma**2, the variance; scale it by sigma, the standard deviation
  ok   the same seed gives the same noise, another seed other noise (1 pt)
  ok   clip=True is the default; sigma=0 gives the images back (1 pt)"""


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "grades", small_class())


@pytest.fixture
def summary(run):
    return class_report.summarize(class_report.read_run(run))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The report of small_class() and one more notebook whose message has a "<": its folder and its HTML."""
    records = small_class() + [graded("frank", "02_noise_models", 27.0, failed=[("add_masking_noise", 0)])]
    run = write_run(tmp_path_factory.mktemp("page") / "grades", records)
    path = class_report.write_report(run, run / "report")
    return path.parent, path.read_text()


def lesson_named(summary, name):
    return next(lesson for lesson in summary["lessons"] if lesson["lesson"] == name)


# The summary


def test_the_summary_counts_the_students_and_the_notebooks(summary):
    assert (summary["students"], summary["notebooks"]) == (6, 7)


def test_the_lessons_come_in_the_course_order(summary):
    assert [lesson["lesson"] for lesson in summary["lessons"]] == ["01_autoencoder_theory", "02_noise_models"]


def test_each_lesson_has_its_mean_and_median_score(summary):
    lesson = lesson_named(summary, "02_noise_models")
    assert sorted(lesson["scores"]) == [0, 12, 12, 13, 14]  # the unreadable notebook, dave, carol, bob, alice
    assert (lesson["mean"], lesson["median"], lesson["max_score"]) == (pytest.approx(10.2), 12, 14)


def test_the_exercises_come_in_the_order_the_lesson_sets_them(summary):
    exercises = lesson_named(summary, "02_noise_models")["exercises"]
    assert [e["name"] for e in exercises] == list(CHECKS["02_noise_models"])


def test_each_exercise_has_its_mean_score_as_a_fraction_of_its_points(summary):
    psnr = next(e for e in lesson_named(summary, "02_noise_models")["exercises"] if e["name"] == "psnr")
    assert (psnr["mean"], psnr["max_score"], psnr["fraction"]) == (pytest.approx(1.0), 2, pytest.approx(0.5))


def test_failed_checks_are_read_from_the_checks_report():
    assert class_report.failed_checks(REAL_FEEDBACK) == [(
        "with clip=False the added noise is sigma * N(0, 1): mean 0, standard deviation sigma, a normal distribution",
        "with sigma=0.3 the added noise has standard deviation 0.089, expected about 0.3: you scaled N(0, 1) by "
        "sigma**2, the variance; scale it by sigma, the standard deviation")]


def test_the_most_common_mistake_comes_first_with_its_count_share_and_an_example(summary):
    first = summary["mistakes"][0]
    assert (first["lesson"], first["exercise"]) == ("02_noise_models", "add_gaussian_noise")
    assert first["check"] == GAUSSIAN_STD
    assert (first["count"], first["students"], first["share"]) == (2, 2, pytest.approx(2 / 5))
    assert "you scaled N(0, 1) by sigma**2" in first["example"]


def test_an_exercise_that_could_not_be_graded_counts_as_a_mistake_with_its_reason(summary):
    not_graded = [m for m in summary["mistakes"] if m["check"] == class_report.NOT_GRADED]
    assert [(m["exercise"], m["count"]) for m in not_graded] == [("psnr", 1)]
    assert not_graded[0]["example"].startswith("psnr is not defined")


def test_a_notebook_that_failed_as_a_whole_is_left_out_of_the_mistakes(summary):
    assert sum(m["count"] for m in summary["mistakes"]) == 5  # bob's two, carol's two, dave's psnr
    assert UNREADABLE not in [m["example"] for m in summary["mistakes"]]


def test_the_flagged_notebooks_are_listed_with_their_flags_and_error(summary):
    assert summary["flagged"] == [
        {"student": HOSTILE_ID, "lesson": "02_noise_models", "flags": ["unreadable"], "error": UNREADABLE},
        {"student": "dave", "lesson": "02_noise_models",
         "flags": ["imports the reference implementation (dae_reference)"], "error": ""},
    ]


def test_each_lesson_has_its_median_and_longest_grading_time(summary):
    lesson = lesson_named(summary, "02_noise_models")
    assert summary["times_known"]
    assert (lesson["median_seconds"], lesson["max_seconds"]) == (24.5, 26.0)


def test_a_notebook_graded_twice_counts_once_as_graded_last(tmp_path):
    run = write_run(tmp_path, [graded("bob", "02_noise_models", 25.0, failed=[("psnr", 0)]),
                               graded("bob", "02_noise_models", 21.0)])
    assert [(s["score"], s["seconds"]) for s in class_report.read_run(run)] == [(14, 21.0)]


def test_without_results_jsonl_the_csv_files_give_the_same_summary_but_no_times(run, summary, tmp_path):
    from_csv = class_report.summarize(class_report.read_run(write_run(tmp_path / "csv", small_class(),
                                                                      with_results=False)))
    assert not from_csv["times_known"]
    assert lesson_named(from_csv, "02_noise_models")["median_seconds"] is None
    for key in ("students", "notebooks", "mistakes", "flagged"):
        assert from_csv[key] == summary[key], key


# The page


def test_the_page_shows_each_figure_written_beside_it(page):
    folder, text = page
    for name in ("scores", "exercises", "times"):
        assert f'<img src="{name}.png"' in text
        assert (folder / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_page_shows_the_class_in_numbers(page):
    _, text = page
    assert '<b>7</b><span>students</span>' in text and '<b>8</b><span>notebooks graded</span>' in text


def test_the_page_escapes_a_hostile_student_id(page):
    _, text = page
    assert "&lt;script&gt;alert(1)" in text
    assert "<script" not in text


def test_the_page_escapes_the_messages(page):
    _, text = page
    assert "rng.random(x.shape) &lt; fraction" in text


def test_the_page_lists_the_most_common_mistake_first(page):
    _, text = page
    mistakes = text.split('<section id="mistakes">')[1]
    first_row = mistakes.split("<tbody>")[1].split("</tr>")[0]
    assert GAUSSIAN_STD in first_row and "33%" in first_row  # two of the lesson's six students


def test_without_grading_times_the_page_says_so(tmp_path):
    run = write_run(tmp_path / "grades", small_class(), with_results=False)
    text = class_report.write_report(run, tmp_path / "report").read_text()
    assert "Grading times are not available" in text
    assert "times.png" not in text


# The command line


def test_report_writes_into_the_run_folder_by_default(run, capsys):
    assert cli.main(["report", str(run)]) == 0
    assert (run / "report" / "index.html").is_file()
    assert capsys.readouterr().out == f"wrote {run / 'report' / 'index.html'}\n"


def test_report_writes_where_out_says(run, tmp_path):
    assert cli.main(["report", str(run), "--out", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "index.html").is_file()


def test_a_missing_folder_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nowhere'} is not a folder: expected the output " \
                                      "folder of python -m autograder grade\n"


def test_a_folder_without_grades_csv_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path} has no grades.csv")


def test_a_corrupt_line_of_results_jsonl_is_an_error_naming_the_line(run, capsys):
    with open(run / "results.jsonl", "a") as results:
        results.write('{"student": "zoe", "lesson": "02_noise_mo\n')  # a line cut short
    assert cli.main(["report", str(run)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {run / 'results.jsonl'}, line 8: not valid JSON") and error.count("\n") == 1


def test_a_line_of_results_jsonl_without_a_result_is_an_error(run, capsys):
    with open(run / "results.jsonl", "a") as results:
        results.write(json.dumps({"student": "zoe", "lesson": "02_noise_models", "seconds": 3.0}) + "\n")
    assert cli.main(["report", str(run)]) == 2
    assert "line 8: not a graded notebook (no 'result')" in capsys.readouterr().err
