"""Gradebook import files for Canvas and Moodle: ``python -m autograder export``.

    python -m autograder export grades/ --format canvas --mapping roster.csv --assignments assignments.csv
    python -m autograder export grades/grades.csv --format moodle --mapping roster.csv --moodle-identifier idnumber

Reads the grader's grades.csv (its columns student, notebook, score and
max_score, by name; any others are ignored) and writes the CSV file the LMS
imports: one row per student of the mapping, in the mapping's order, and one
column per lesson notebook in the grades, in the course's order, holding the
notebook's score. Each lesson is one Canvas assignment or Moodle grade item.

The mapping (--mapping FILE) is a CSV file with a header row, one row per
student; columns it does not need are ignored, so one roster serves both LMSs:

    student                 the nbgrader student id, as in grades.csv
    for Canvas: name, canvas_user_id, sis_user_id, sis_login_id, section
                            as Canvas's own gradebook export shows them (its
                            columns Student, ID, SIS User ID, SIS Login ID,
                            Section); at least one of the three ids per student
    for Moodle: email, username, idnumber or userid
                            the one --moodle-identifier names (default email),
                            never empty

The assignments file (--assignments FILE, optional) names each lesson in the
LMS: columns notebook and name, and for Canvas canvas_id (the number at the
end of the assignment's address; may be empty). Without it a lesson's LMS name
is its notebook's (02_noise_models) and it has no Canvas id.

A student in the grades but not in the mapping is named on stderr and nothing
is written (exit status 1), unless --skip-unmapped exports the others (still
naming the ones left out). A student of the mapping with no grades gets empty
cells, and a note on stderr names them; so does a lesson a student has no row
for. Bad input (a missing file or column, an unknown format, an id used twice,
a max_score that differs between students of one lesson) is one line on
stderr, exit status 2. The file is UTF-8, comma-separated.

The formats, as written here (from Canvas's gradebook importer and Moodle's
CSV grade import):

Canvas (Grades > Import): the header begins Student, ID, SIS User ID, SIS
Login ID, Section; each later column is an assignment, "Name (id)" matched by
its id, a bare name by its exact title, and a new assignment is made for a
name that matches none. A row whose first cell is "Points Possible" gives
each assignment's points. A student is found by the ID column (Canvas's user
ID), then by SIS User ID, then SIS Login ID, then by name. An empty cell is no
score; where Canvas already holds one, its import preview lists it as a change.

Moodle (Grades > Import > CSV file): choose encoding UTF-8 and separator
comma; "Map from" the first column (headed by the Moodle user field it holds:
useremail, username, useridnumber or userid) "Map to" that same field, and map
each lesson's column to its grade item (or a new grade item, named after the
column). An identifier that matches no Moodle user stops the whole import. An
empty cell is no grade.
"""

import argparse
import csv
import dataclasses
import io
import re
import sys
from pathlib import Path

from autograder.course import LESSONS

FORMATS = ("canvas", "moodle")
GRADES_COLUMNS = ("student", "notebook", "score", "max_score")
ASSIGNMENTS_COLUMNS = ("notebook", "name")  # and canvas_id, optional
# Canvas's student columns, in the order its importer reads them, and the mapping column that fills each.
CANVAS_STUDENT_COLUMNS = {"Student": "name", "ID": "canvas_user_id", "SIS User ID": "sis_user_id",
                          "SIS Login ID": "sis_login_id", "Section": "section"}
CANVAS_IDS = ("canvas_user_id", "sis_user_id", "sis_login_id")  # besides the name, what Canvas finds a student by
# The mapping columns that can identify a Moodle user, and the Moodle user field ("Map to") each one is.
MOODLE_IDENTIFIERS = {"email": "useremail", "username": "username", "idnumber": "useridnumber", "userid": "userid"}
NUMERIC_COLUMNS = ("canvas_user_id", "userid", "canvas_id")  # ids the LMS numbers
CANVAS_ID_AT_END = re.compile(r"\s\(\d+\)$")  # Canvas reads "Name (123)" as the assignment with id 123
POINTS = re.compile(r"\d+(\.\d+)?")  # a score or max_score: no sign, exponent, inf or nan


class ExportError(ValueError):
    """Bad input to the export: reported in one line, exit status 2."""


class UnmappedStudents(ExportError):
    """Students in the grades who are missing from the mapping."""

    def __init__(self, students):
        self.students = students
        super().__init__(f"{len(students)} student(s) in the grades are not in the mapping: {', '.join(students)}")


@dataclasses.dataclass(frozen=True)
class Gradebook:
    """The grades to export, as text: ``scores[student][notebook]``, ``points_possible[notebook]`` in lesson order."""

    scores: dict
    points_possible: dict


def read_csv(path, required, option):
    """The rows of the CSV file ``path`` as dicts of stripped text, once it is known to have the columns ``required``."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file ({option})")
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = [column for column in required if column not in (reader.fieldnames or ())]
            if missing:
                raise ExportError(f"{path} has no column {', '.join(missing)}: expected the columns {', '.join(required)}")
            return [{key: (value or "").strip() for key, value in row.items() if key is not None} for row in reader]
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text; save it as UTF-8") from None


def number(text, column, where):
    """``text`` once it is known to be a number of points, written as the grader writes them (``7``, ``7.5``)."""
    if not POINTS.fullmatch(text):
        raise ExportError(f"{where}: {column} {text!r} is not a number of points")
    return text


def gradebook_from_rows(rows, source="grades.csv"):
    """The ``Gradebook`` of the grader's rows (dicts with student, notebook, score and max_score)."""
    scores, points_possible, first_student = {}, {}, {}
    for line, row in enumerate(rows, 2):
        where, student, notebook = f"{source} line {line}", row["student"], row["notebook"]
        if not student:
            raise ExportError(f"{where}: the student is empty")
        if notebook not in LESSONS:
            raise ExportError(f"{where}: notebook {notebook!r} is not a lesson; expected one of {', '.join(LESSONS)}")
        if notebook in scores.get(student, {}):
            raise ExportError(f"{where}: a second row for {student} {notebook}")
        max_score = number(row["max_score"], "max_score", where)
        if notebook in points_possible and float(points_possible[notebook]) != float(max_score):
            raise ExportError(f"{where}: max_score of {notebook} is {max_score} for {student} but "
                              f"{points_possible[notebook]} for {first_student[notebook]}: one lesson, two versions?")
        points_possible.setdefault(notebook, max_score)
        first_student.setdefault(notebook, student)
        scores.setdefault(student, {})[notebook] = number(row["score"], "score", where)
    if not scores:
        raise ExportError(f"{source} has no grades")
    return Gradebook(scores, {notebook: points_possible[notebook] for notebook in LESSONS if notebook in points_possible})


def check_unique(rows, columns, source):
    """Raise ``ExportError`` if a non-empty value of one of ``columns`` is on two of ``rows``."""
    for column in columns:
        lines = {}
        for line, row in enumerate(rows, 2):
            value = row.get(column, "")
            if value and value in lines:
                raise ExportError(f"{source} line {line}: {column} {value!r} is also on line {lines[value]}")
            lines[value] = line


def check_numeric(row, columns, where):
    """Raise ``ExportError`` if one of ``columns`` of ``row`` that the LMS numbers holds something other than digits."""
    for column in columns:
        value = row.get(column, "")
        if column in NUMERIC_COLUMNS and value and not value.isdigit():
            raise ExportError(f"{where}: {column} {value!r} is not a number")


def mapping_columns(export_format, identifier="email"):
    """``(columns the mapping must have, those that identify a student in the LMS)`` for ``export_format``."""
    if export_format == "canvas":
        return ("student", *CANVAS_STUDENT_COLUMNS.values()), CANVAS_IDS
    return ("student", identifier), (identifier,)


def roster_from_rows(rows, identifiers, source="mapping"):
    """The mapping's rows, once each names a student once and gives one of ``identifiers``, none shared."""
    if not rows:
        raise ExportError(f"{source} has no students")
    for line, row in enumerate(rows, 2):
        where = f"{source} line {line}"
        if not row["student"]:
            raise ExportError(f"{where}: the student is empty")
        if not any(row[column] for column in identifiers):
            raise ExportError(f"{where}: student {row['student']!r} has no {' or '.join(identifiers)}")
        check_numeric(row, identifiers, where)
    check_unique(rows, ("student", *identifiers), source)
    return rows


def assignments_from_rows(rows, notebooks, source="assignments"):
    """``{notebook: (LMS name, Canvas id or '')}`` for each of ``notebooks``, from the assignments file's rows."""
    for line, row in enumerate(rows, 2):
        where = f"{source} line {line}"
        if row["notebook"] not in LESSONS:
            raise ExportError(f"{where}: notebook {row['notebook']!r} is not a lesson; expected one of {', '.join(LESSONS)}")
        if not row["name"]:
            raise ExportError(f"{where}: the name of {row['notebook']} is empty")
        if CANVAS_ID_AT_END.search(row["name"]):
            raise ExportError(f"{where}: name {row['name']!r} ends like a Canvas id; put the id in canvas_id")
        check_numeric(row, ("canvas_id",), where)
    check_unique(rows, ("notebook", "name", "canvas_id"), source)
    named = {row["notebook"]: (row["name"], row.get("canvas_id", "")) for row in rows}
    missing = [notebook for notebook in notebooks if notebook not in named]
    if missing:
        raise ExportError(f"{source} has no row for {', '.join(missing)}, graded in the grades")
    return {notebook: named[notebook] for notebook in notebooks}


def default_assignments(notebooks):
    """Each notebook's LMS name is its own, with no Canvas id."""
    return {notebook: (notebook, "") for notebook in notebooks}


def unmapped_students(gradebook, roster):
    """The students of ``gradebook`` missing from ``roster``, sorted."""
    return sorted(set(gradebook.scores) - {row["student"] for row in roster})


def ungraded_students(gradebook, roster):
    """The students of ``roster`` with no grade at all in ``gradebook``, in the roster's order."""
    return [row["student"] for row in roster if row["student"] not in gradebook.scores]


def partly_graded(gradebook, roster):
    """``(student, lessons without a grade)`` for each student of ``roster`` graded in some lessons only."""
    found = []
    for row in roster:
        graded = gradebook.scores.get(row["student"])
        if graded and len(graded) < len(gradebook.points_possible):
            found.append((row["student"], [notebook for notebook in gradebook.points_possible if notebook not in graded]))
    return found


def score_cells(gradebook, student):
    """The student's score in each lesson of ``gradebook``, in order; an empty cell where there is none."""
    graded = gradebook.scores.get(student, {})
    return [graded.get(notebook, "") for notebook in gradebook.points_possible]


def csv_text(rows):
    """``rows`` as CSV text, comma-separated, one line each."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def check_mapped(gradebook, roster, skip_unmapped):
    """Raise ``UnmappedStudents`` if a student of ``gradebook`` is missing from ``roster``, unless ``skip_unmapped``."""
    missing = unmapped_students(gradebook, roster)
    if missing and not skip_unmapped:
        raise UnmappedStudents(missing)


def canvas_title(name, canvas_id):
    """An assignment's column header for Canvas: ``Name (id)``, or the name alone without an id."""
    return f"{name} ({canvas_id})" if canvas_id else name


def canvas_csv(gradebook, roster, assignments, skip_unmapped=False):
    """Canvas's gradebook import file: the header (student columns, a column per lesson), Points Possible, the students."""
    check_mapped(gradebook, roster, skip_unmapped)
    header = [*CANVAS_STUDENT_COLUMNS, *(canvas_title(*assignments[notebook]) for notebook in gradebook.points_possible)]
    points = ["Points Possible", *[""] * (len(CANVAS_STUDENT_COLUMNS) - 1), *gradebook.points_possible.values()]
    students = [[row[column] for column in CANVAS_STUDENT_COLUMNS.values()] + score_cells(gradebook, row["student"])
                for row in roster]
    return csv_text([header, points, *students])


def check_identifier(identifier):
    """Raise ``ExportError`` unless ``identifier`` names a mapping column Moodle can match users by."""
    if identifier not in MOODLE_IDENTIFIERS:
        raise ExportError(f"--moodle-identifier {identifier!r} is unknown: expected one of {', '.join(MOODLE_IDENTIFIERS)}")


def moodle_csv(gradebook, roster, assignments, identifier="email", skip_unmapped=False):
    """Moodle's grade import file: the identifier column, headed by its Moodle field, then a column per lesson."""
    check_identifier(identifier)
    check_mapped(gradebook, roster, skip_unmapped)
    header = [MOODLE_IDENTIFIERS[identifier], *(assignments[notebook][0] for notebook in gradebook.points_possible)]
    students = [[row[identifier], *score_cells(gradebook, row["student"])] for row in roster]
    return csv_text([header, *students])


def check_format(export_format):
    """Raise ``ExportError`` unless ``export_format`` is one this module writes."""
    if export_format not in FORMATS:
        raise ExportError(f"--format {export_format!r} is unknown: expected one of {', '.join(FORMATS)}")


def export_csv(export_format, gradebook, roster, assignments, identifier="email", skip_unmapped=False):
    """The import file's text for ``export_format`` (canvas or moodle)."""
    check_format(export_format)
    if export_format == "canvas":
        return canvas_csv(gradebook, roster, assignments, skip_unmapped)
    return moodle_csv(gradebook, roster, assignments, identifier, skip_unmapped)


def grades_file(path):
    """The grades CSV file at ``path``: the file itself, or a folder's grades.csv."""
    path = Path(path)
    return path / "grades.csv" if path.is_dir() else path


def add_parser(subparsers):
    """Add the ``export`` command to the CLI's ``subparsers``; returns its parser."""
    parser = subparsers.add_parser("export", help="write a gradebook import file for Canvas or Moodle",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("grades", type=Path, help="the grader's grades.csv, or the folder holding it")
    parser.add_argument("--format", required=True, metavar="canvas|moodle", help="the LMS to import into")
    parser.add_argument("--mapping", required=True, type=Path, metavar="FILE",
                        help="CSV from nbgrader student ids to the LMS's (columns: see above)")
    parser.add_argument("--assignments", type=Path, metavar="FILE",
                        help="CSV naming each lesson in the LMS: notebook,name[,canvas_id] (default: the notebook names)")
    parser.add_argument("--moodle-identifier", metavar="COLUMN",
                        help=f"the mapping's column Moodle finds users by: {', '.join(MOODLE_IDENTIFIERS)} (default email)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="the file to write (default: FORMAT.csv beside grades.csv)")
    parser.add_argument("--skip-unmapped", action="store_true",
                        help="export the students of the mapping even if some graded students are missing from it")
    return parser


def load(args):
    """``(gradebook, roster, assignments, identifier)`` read from the files ``args`` names."""
    check_format(args.format)
    if args.format == "canvas" and args.moodle_identifier is not None:
        raise ExportError("--moodle-identifier applies to --format moodle only")
    identifier = args.moodle_identifier or "email"
    if args.format == "moodle":
        check_identifier(identifier)
    grades = grades_file(args.grades)
    gradebook = gradebook_from_rows(read_csv(grades, GRADES_COLUMNS, "the grades"), str(grades))
    required, identifiers = mapping_columns(args.format, identifier)
    roster = roster_from_rows(read_csv(args.mapping, required, "--mapping"), identifiers, str(args.mapping))
    notebooks = list(gradebook.points_possible)
    if args.assignments is None:
        return gradebook, roster, default_assignments(notebooks), identifier
    rows = read_csv(args.assignments, ASSIGNMENTS_COLUMNS, "--assignments")
    return gradebook, roster, assignments_from_rows(rows, notebooks, str(args.assignments)), identifier


def output_path(args):
    """Where to write: ``--out``, or FORMAT.csv beside the grades; never over an input file."""
    grades = grades_file(args.grades)
    out = args.out or grades.with_name(f"{args.format}.csv")
    inputs = [path for path in (grades, args.mapping, args.assignments) if path is not None]
    if any(out.resolve() == path.resolve() for path in inputs):
        raise ExportError(f"--out {out} is one of the input files; choose another")
    return out


def print_notes(gradebook, roster, skip_unmapped, mapping):
    """Print to stderr who is left out or has empty cells."""
    missing = unmapped_students(gradebook, roster)
    if missing and skip_unmapped:
        print(f"warning: not exported, missing from {mapping}: {', '.join(missing)}", file=sys.stderr)
    ungraded = ungraded_students(gradebook, roster)
    if ungraded:
        print(f"note: no grades, so empty cells, for {len(ungraded)} student(s): {', '.join(ungraded)}", file=sys.stderr)
    partly = partly_graded(gradebook, roster)
    if partly:
        listed = "; ".join(f"{student} ({', '.join(lessons)})" for student, lessons in partly)
        print(f"note: empty cells where a lesson has no grade: {listed}", file=sys.stderr)


def main(args):
    """Run ``python -m autograder export`` with the parsed ``args``; returns the exit status."""
    try:
        gradebook, roster, assignments, identifier = load(args)
        out = output_path(args)
        text = export_csv(args.format, gradebook, roster, assignments, identifier, args.skip_unmapped)
    except UnmappedStudents as error:
        print(f"error: {len(error.students)} student(s) in {grades_file(args.grades)} are not in {args.mapping}: "
              f"{', '.join(error.students)}; add them, or pass --skip-unmapped to export the others", file=sys.stderr)
        return 1
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_notes(gradebook, roster, args.skip_unmapped, args.mapping)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {out}: {len(roster)} students, {len(gradebook.points_possible)} lessons ({args.format})")
    if args.format == "moodle":
        print(f"in Moodle: Grades > Import > CSV file, UTF-8, comma; map from {MOODLE_IDENTIFIERS[identifier]} "
              f"to {MOODLE_IDENTIFIERS[identifier]}, and each lesson's column to its grade item")
    return 0
