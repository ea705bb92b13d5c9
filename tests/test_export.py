"""``python -m autograder export``: the grader's grades.csv into Canvas's and Moodle's gradebook import files.

The expected files in tests/golden/export/ were written by hand from the two
formats, not by this code: Canvas's student columns and Points Possible row, a
name with a comma, a fractional score, Moodle's identifier column headed by
its user field, a lesson with no Canvas id, a student of the mapping with no
grades and one with a lesson missing; grades.csv has an extra column at the end.
"""

import argparse
import shutil
from pathlib import Path

import pytest

from autograder import export

GOLDEN = Path(__file__).parent / "golden" / "export"


@pytest.fixture
def folder(tmp_path):
    """A copy of the golden inputs: grades/grades.csv, mapping.csv, assignments.csv."""
    (tmp_path / "grades").mkdir()
    shutil.copy(GOLDEN / "grades.csv", tmp_path / "grades" / "grades.csv")
    for name in ("mapping.csv", "assignments.csv"):
        shutil.copy(GOLDEN / name, tmp_path / name)
    return tmp_path


def run(capsys, folder, *argv):
    """Run the export command with ``argv``, its files relative to ``folder``: ``(exit status, stdout, stderr)``."""
    parser = argparse.ArgumentParser()
    export.add_parser(parser.add_subparsers(dest="command"))
    paths = [str(folder / arg) if arg.endswith((".csv", "grades")) else arg for arg in argv]
    status = export.main(parser.parse_args(["export", *paths]))
    captured = capsys.readouterr()
    return status, captured.out, captured.err.strip()


def golden_inputs(export_format, identifier="email"):
    """The golden gradebook, the roster and the assignments, read as the command reads them."""
    gradebook = export.gradebook_from_rows(export.read_csv(GOLDEN / "grades.csv", export.GRADES_COLUMNS, "the grades"))
    required, identifiers = export.mapping_columns(export_format, identifier)
    roster = export.roster_from_rows(export.read_csv(GOLDEN / "mapping.csv", required, "--mapping"), identifiers)
    rows = export.read_csv(GOLDEN / "assignments.csv", export.ASSIGNMENTS_COLUMNS, "--assignments")
    return gradebook, roster, export.assignments_from_rows(rows, list(gradebook.points_possible))


# The golden files.

@pytest.mark.parametrize("export_format", ["canvas", "moodle"])
def test_export_writes_the_golden_file_byte_for_byte(capsys, folder, export_format):
    status, _, err = run(capsys, folder, "grades", "--format", export_format, "--mapping", "mapping.csv",
                         "--assignments", "assignments.csv", "--out", f"{export_format}.csv")
    assert status == 0, err
    assert (folder / f"{export_format}.csv").read_bytes() == (GOLDEN / f"{export_format}.csv").read_bytes()


def test_the_pure_writers_give_the_golden_text():
    gradebook, roster, assignments = golden_inputs("canvas")
    assert export.canvas_csv(gradebook, roster, assignments) == (GOLDEN / "canvas.csv").read_text()
    gradebook, roster, assignments = golden_inputs("moodle")
    assert export.moodle_csv(gradebook, roster, assignments) == (GOLDEN / "moodle.csv").read_text()


def test_the_grading_cli_dispatches_export(capsys, folder):
    from autograder import cli
    status = cli.main(["export", str(folder / "grades"), "--format", "canvas", "--mapping", str(folder / "mapping.csv"),
                       "--assignments", str(folder / "assignments.csv")])
    assert status == 0, capsys.readouterr().err
    assert (folder / "grades" / "canvas.csv").read_bytes() == (GOLDEN / "canvas.csv").read_bytes()


# Options and defaults.

def test_the_default_output_is_format_csv_beside_the_grades(capsys, folder):
    status, out, _ = run(capsys, folder, "grades/grades.csv", "--format", "moodle", "--mapping", "mapping.csv")
    assert status == 0
    assert (folder / "grades" / "moodle.csv").is_file()
    assert f"wrote {folder / 'grades' / 'moodle.csv'}: 4 students, 3 lessons" in out


def test_without_an_assignments_file_each_lesson_is_named_by_its_notebook():
    gradebook, roster, _ = golden_inputs("canvas")
    text = export.canvas_csv(gradebook, roster, export.default_assignments(list(gradebook.points_possible)))
    header = "Student,ID,SIS User ID,SIS Login ID,Section,01_autoencoder_theory,02_noise_models,06_ethics"
    assert text.splitlines()[0] == header


def test_moodle_identifier_heads_its_column_with_the_moodle_field():
    gradebook, roster, assignments = golden_inputs("moodle", "idnumber")
    lines = export.moodle_csv(gradebook, roster, assignments, identifier="idnumber").splitlines()
    assert lines[0].startswith("useridnumber,") and lines[1].startswith("2002,")


def test_moodle_run_says_how_to_map_the_columns(capsys, folder):
    status, out, _ = run(capsys, folder, "grades", "--format", "moodle", "--mapping", "mapping.csv",
                         "--moodle-identifier", "idnumber")
    assert status == 0
    assert "map from useridnumber to useridnumber" in out


# Students missing from the mapping, and students without grades.

def drop_from_mapping(folder, student):
    mapping = folder / "mapping.csv"
    mapping.write_text("".join(line for line in mapping.read_text().splitlines(keepends=True)
                               if not line.startswith(f"{student},")))


def test_a_student_missing_from_the_mapping_is_named_and_nothing_is_written(capsys, folder):
    drop_from_mapping(folder, "bob")
    status, _, err = run(capsys, folder, "grades", "--format", "canvas", "--mapping", "mapping.csv")
    assert status == 1
    assert err.startswith("error: 1 student(s) in") and "mapping.csv: bob;" in err and "--skip-unmapped" in err
    assert "\n" not in err
    assert not (folder / "grades" / "canvas.csv").exists()


def test_skip_unmapped_exports_the_others_and_names_who_is_left_out(capsys, folder):
    drop_from_mapping(folder, "bob")
    status, _, err = run(capsys, folder, "grades", "--format", "moodle", "--mapping", "mapping.csv", "--skip-unmapped")
    assert status == 0
    assert "warning: not exported, missing from" in err and err.splitlines()[0].endswith(": bob")
    assert "bob@" not in (folder / "grades" / "moodle.csv").read_text()


def test_the_writers_refuse_a_student_missing_from_the_mapping():
    gradebook, roster, assignments = golden_inputs("canvas")
    with pytest.raises(export.UnmappedStudents, match=r"not in the mapping: bob$"):
        export.canvas_csv(gradebook, [row for row in roster if row["student"] != "bob"], assignments)


def test_a_student_of_the_mapping_without_grades_is_named_in_a_note(capsys, folder):
    status, _, err = run(capsys, folder, "grades", "--format", "canvas", "--mapping", "mapping.csv")
    assert status == 0
    assert "note: no grades, so empty cells, for 1 student(s): dan" in err.splitlines()


def test_a_lesson_without_a_grade_is_named_in_a_note(capsys, folder):
    status, _, err = run(capsys, folder, "grades", "--format", "canvas", "--mapping", "mapping.csv")
    assert status == 0
    assert "note: empty cells where a lesson has no grade: cleo (01_autoencoder_theory, 06_ethics)" in err.splitlines()


# Bad input: one line on stderr, exit status 2.

@pytest.mark.parametrize("argv, fragment", [
    (["missing.csv", "--format", "canvas", "--mapping", "mapping.csv"], "missing.csv: no such file (the grades)"),
    (["grades", "--format", "canvas", "--mapping", "roster.csv"], "roster.csv: no such file (--mapping)"),
    (["grades", "--format", "blackboard", "--mapping", "mapping.csv"], "--format 'blackboard' is unknown"),
    (["grades", "--format", "moodle", "--mapping", "mapping.csv", "--moodle-identifier", "phone"],
     "--moodle-identifier 'phone' is unknown: expected one of email, username, idnumber, userid"),
    (["grades", "--format", "canvas", "--mapping", "mapping.csv", "--moodle-identifier", "email"],
     "--moodle-identifier applies to --format moodle only"),
    (["grades", "--format", "moodle", "--mapping", "mapping.csv", "--moodle-identifier", "username"],
     "mapping.csv has no column username"),
    (["grades", "--format", "canvas", "--mapping", "mapping.csv", "--out", "mapping.csv"],
     "is one of the input files"),
])
def test_bad_arguments_give_one_line_and_status_2(capsys, folder, argv, fragment):
    status, _, err = run(capsys, folder, *argv)
    assert status == 2
    assert err.startswith("error: ") and fragment in err and "\n" not in err


def test_an_unknown_format_is_refused_by_the_grading_cli(capsys, folder):
    from autograder import cli
    status = cli.main(["export", str(folder / "grades"), "--format", "blackboard", "--mapping", str(folder / "mapping.csv")])
    err = capsys.readouterr().err.strip()
    assert status == 2 and err == "error: --format 'blackboard' is unknown: expected one of canvas, moodle"


def test_a_mapping_that_is_not_utf8_is_refused(capsys, folder):
    (folder / "mapping.csv").write_bytes((GOLDEN / "mapping.csv").read_bytes().replace(b"Cleopatra", b"Cl\xe9opatra"))
    status, _, err = run(capsys, folder, "grades", "--format", "canvas", "--mapping", "mapping.csv")
    assert status == 2 and "mapping.csv is not UTF-8 text" in err


def test_a_grades_file_without_max_score_is_refused(capsys, folder):
    grades = folder / "grades" / "grades.csv"
    grades.write_text("\n".join(line.rsplit(",", 3)[0] for line in grades.read_text().splitlines()) + "\n")
    status, _, err = run(capsys, folder, "grades", "--format", "canvas", "--mapping", "mapping.csv")
    assert status == 2
    assert err == f"error: {grades} has no column max_score: expected the columns student, notebook, score, max_score"


def grade(student="ada", notebook="02_noise_models", score="3", max_score="10"):
    return {"student": student, "notebook": notebook, "score": score, "max_score": max_score}


@pytest.mark.parametrize("rows, message", [
    ([], "has no grades"),
    ([grade(student="")], "line 2: the student is empty"),
    ([grade(notebook="07_diffusion")], "line 2: notebook '07_diffusion' is not a lesson"),
    ([grade(score="seven")], "line 2: score 'seven' is not a number of points"),
    ([grade(score="nan")], "line 2: score 'nan' is not a number of points"),
    ([grade(max_score="-1")], "line 2: max_score '-1' is not a number of points"),
    ([grade(), grade(score="4")], "line 3: a second row for ada 02_noise_models"),
    ([grade(), grade(student="bob", max_score="12")],
     r"line 3: max_score of 02_noise_models is 12 for bob but 10 for ada"),
], ids=["empty", "no student", "not a lesson", "score not a number", "score nan", "negative max", "duplicate row",
        "max_score differs"])
def test_bad_grades_are_refused(rows, message):
    with pytest.raises(export.ExportError, match=message):
        export.gradebook_from_rows(rows)


def student(name="ada", **cells):
    row = {"student": name, "name": "Lovelace, Ada", "canvas_user_id": "1041", "sis_user_id": "S-2001",
           "sis_login_id": "alovelace", "section": "A", "email": f"{name}@example.edu"}
    return {**row, **cells}


@pytest.mark.parametrize("export_format, rows, message", [
    ("canvas", [], "has no students"),
    ("canvas", [student(student="")], "line 2: the student is empty"),
    ("canvas", [student(), student()], "line 3: student 'ada' is also on line 2"),
    ("canvas", [student(), student("bob", email="bob@example.edu")], "line 3: canvas_user_id '1041' is also on line 2"),
    ("canvas", [student(canvas_user_id="", sis_user_id="", sis_login_id="")],
     "line 2: student 'ada' has no canvas_user_id or sis_user_id or sis_login_id"),
    ("canvas", [student(canvas_user_id="u1041")], "line 2: canvas_user_id 'u1041' is not a number"),
    ("moodle", [student(), student("bob", email="ada@example.edu")], "line 3: email 'ada@example.edu' is also on line 2"),
    ("moodle", [student(email="")], "line 2: student 'ada' has no email"),
], ids=["empty", "no student", "student twice", "canvas id twice", "no canvas id", "canvas id not a number",
        "email twice", "no email"])
def test_bad_mappings_are_refused(export_format, rows, message):
    _, identifiers = export.mapping_columns(export_format)
    with pytest.raises(export.ExportError, match=message):
        export.roster_from_rows(rows, identifiers)


def lesson(notebook="02_noise_models", name="Noise", canvas_id="502"):
    return {"notebook": notebook, "name": name, "canvas_id": canvas_id}


@pytest.mark.parametrize("rows, message", [
    ([lesson(notebook="2")], "line 2: notebook '2' is not a lesson"),
    ([lesson(name="")], "line 2: the name of 02_noise_models is empty"),
    ([lesson(name="Noise (502)")], r"line 2: name 'Noise \(502\)' ends like a Canvas id; put the id in canvas_id"),
    ([lesson(canvas_id="#502")], "line 2: canvas_id '#502' is not a number"),
    ([lesson(), lesson()], "line 3: notebook '02_noise_models' is also on line 2"),
    ([lesson(), lesson("06_ethics", canvas_id="506")], "line 3: name 'Noise' is also on line 2"),
    ([lesson(), lesson("06_ethics", name="Ethics")], "line 3: canvas_id '502' is also on line 2"),
    ([lesson("06_ethics")], "has no row for 02_noise_models, graded in the grades"),
], ids=["not a lesson", "no name", "id in the name", "id not a number", "notebook twice", "name twice",
        "canvas id twice", "graded lesson missing"])
def test_bad_assignments_are_refused(rows, message):
    with pytest.raises(export.ExportError, match=message):
        export.assignments_from_rows(rows, ["02_noise_models"])


def test_a_canvas_id_column_is_optional_in_the_assignments():
    assert export.assignments_from_rows([{"notebook": "02_noise_models", "name": "Noise"}], ["02_noise_models"]) == {
        "02_noise_models": ("Noise", "")}


def test_an_unknown_format_is_refused_by_the_pure_function():
    gradebook, roster, assignments = golden_inputs("canvas")
    with pytest.raises(export.ExportError, match="--format 'blackboard' is unknown: expected one of canvas, moodle"):
        export.export_csv("blackboard", gradebook, roster, assignments)
