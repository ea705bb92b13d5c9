"""A class report of a grading run: ``python -m autograder report grades/``.

Reads what ``python -m autograder grade`` wrote into its output folder:
``results.jsonl`` (one graded notebook a line, with its grading time) where
there is one, else ``grades.csv`` and ``grades_exercises.csv``, which have no
grading times. Writes one HTML page, ``index.html``, with its PNG figures
beside it: the scores per lesson and per exercise, the class's most common
mistakes (the failed checks, counted: each check's message names the likely
mistake), the flagged submissions, and the grading time per notebook.

The page needs nothing but its folder and no JavaScript. Every string a
student controls (their id, the flags, the messages, which quote what their
code did) is escaped before it goes into the page.

Reading gives a list of submissions, plain dicts; ``summarize`` turns them
into the summary the page shows, plain data too; ``draw_figures`` and
``render_page`` draw and write it.
"""

import csv
import html
import json
import re
import statistics
import string
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from autograder.course import LESSONS

RESULTS_FILE = "results.jsonl"
GRADES_FILE = "grades.csv"
EXERCISES_FILE = "grades_exercises.csv"
GRADES_COLUMNS = ("student", "notebook", "score", "max_score", "flags")
EXERCISES_COLUMNS = ("student", "notebook", "exercise", "score", "max_score", "feedback")
NOT_GRADED = "(the exercise could not be graded)"  # the "check" of an exercise whose feedback is one reason
MISTAKES_SHOWN = 25

# The checks' report (autograder.core.report): "name: 3 / 4 points", then one line per check.
REPORT_FIRST_LINE = re.compile(r"^\S+: [0-9.e+-]+ / [0-9.e+-]+ points?$")
FAILED_CHECK = re.compile(r"^  FAIL (?P<check>.*?)(?: \([0-9.e+-]+ pt\))?$")
CHECK_LINE = re.compile(r"^  (ok  |FAIL) ")
MESSAGE_PREFIX = "       -> "


class BadRun(Exception):
    """The folder does not hold a readable grading run: reported in one line, exit status 2."""


# Reading ----------------------------------------------------------------------


def read_run(folder):
    """The graded notebooks of the run in ``folder``, a list of dicts.

    Each has ``student``, ``lesson``, ``score``, ``max_score``, ``flags`` (a
    list), ``error`` ("" if none), ``seconds`` (None when the run has no
    ``results.jsonl``) and ``exercises`` (``name``, ``score``, ``max_score``,
    ``feedback``, in the order the lesson sets them).
    """
    folder = Path(folder)
    expected = "expected the output folder of python -m autograder grade"
    if not folder.is_dir():
        raise BadRun(f"{folder} is not a folder: {expected}")
    if (folder / RESULTS_FILE).is_file():
        submissions = read_results(folder / RESULTS_FILE)
    elif (folder / GRADES_FILE).is_file():
        submissions = read_grades(folder / GRADES_FILE, folder / EXERCISES_FILE)
    else:
        raise BadRun(f"{folder} has no {GRADES_FILE}: {expected}")
    if not submissions:
        raise BadRun(f"{folder} lists no graded notebook")
    return submissions


def read_results(path):
    """The submissions in ``results.jsonl``; a notebook graded twice counts once, as it was graded last."""
    latest = {}
    with open(path, encoding="utf-8", errors="replace") as lines:  # a bad byte fails as that line
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                submission = submission_from_record(json.loads(line))
            except json.JSONDecodeError as error:
                raise BadRun(f"{path}, line {number}: not valid JSON ({error.msg} at column {error.colno})") from None
            except KeyError as error:
                raise BadRun(f"{path}, line {number}: not a graded notebook (no {error.args[0]!r})") from None
            except (TypeError, ValueError, AttributeError) as error:
                reason = f"{type(error).__name__}: {error}"
                raise BadRun(f"{path}, line {number}: not a graded notebook ({reason})") from None
            latest[submission["student"], submission["lesson"]] = submission
    return list(latest.values())


def submission_from_record(record):
    """One line of ``results.jsonl`` as a submission (see ``read_run``)."""
    result = record["result"]
    exercises = [exercise_row(e["name"], e["score"], e["max_score"], e["feedback"]) for e in result["exercises"]]
    return submission_row(record["student"], record["lesson"], exercises, result["flags"],
                          result.get("error") or "", float(record["seconds"]))


def read_grades(grades_path, exercises_path):
    """The submissions in ``grades.csv`` and ``grades_exercises.csv``, without grading times."""
    if not exercises_path.is_file():
        raise BadRun(f"{exercises_path} is missing: the grader writes it beside {grades_path.name}")
    exercises = defaultdict(list)
    for number, row in read_csv(exercises_path, EXERCISES_COLUMNS):
        try:
            exercises[row["student"], row["notebook"]].append(
                exercise_row(row["exercise"], row["score"], row["max_score"], row["feedback"]))
        except ValueError:
            raise BadRun(f"{exercises_path}, line {number}: the score {row['score']!r} / {row['max_score']!r} "
                         "is not a number") from None
    submissions = []
    for _, row in read_csv(grades_path, GRADES_COLUMNS):
        found = exercises[row["student"], row["notebook"]]
        flags = [flag for flag in row["flags"].split("; ") if flag]
        submissions.append(submission_row(row["student"], row["notebook"], found, flags, shared_reason(found), None))
    return submissions


def read_csv(path, columns):
    """``(line number, row)`` of each row of the CSV file at ``path``, which must have ``columns``."""
    rows = []
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        try:
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise BadRun(f"{path} has no column {', '.join(missing)}: expected {','.join(columns)}")
            for row in reader:
                if None in row or None in row.values():
                    raise BadRun(f"{path}, line {reader.line_num}: expected {len(reader.fieldnames)} fields")
                rows.append((reader.line_num, row))
        except (csv.Error, UnicodeDecodeError) as error:
            raise BadRun(f"{path}, line {reader.line_num}: {error}") from None
    return rows


def exercise_row(name, score, max_score, feedback):
    return {"name": str(name), "score": float(score), "max_score": float(max_score), "feedback": str(feedback)}


def submission_row(student, lesson, exercises, flags, error, seconds):
    return {"student": str(student), "lesson": str(lesson),
            "score": sum(e["score"] for e in exercises), "max_score": sum(e["max_score"] for e in exercises),
            "flags": [str(flag) for flag in flags], "error": str(error), "seconds": seconds, "exercises": exercises}


def shared_reason(exercises):
    """The notebook's error, as the CSV files show it: the one reason all its exercises give, or ""."""
    reasons = {e["feedback"] for e in exercises}
    if len(reasons) == 1 and not is_checks_report(exercises[0]["feedback"]):
        return reasons.pop()
    return ""


# The summary ------------------------------------------------------------------


def summarize(submissions):
    """What the page shows, as plain data: the class, each lesson, the mistakes, the flagged notebooks."""
    lessons = sorted({s["lesson"] for s in submissions}, key=lesson_order)
    return {
        "students": len({s["student"] for s in submissions}),
        "notebooks": len(submissions),
        "times_known": all(s["seconds"] is not None for s in submissions),
        "lessons": [lesson_summary(lesson, [s for s in submissions if s["lesson"] == lesson]) for lesson in lessons],
        "mistakes": common_mistakes(submissions),
        "flagged": flagged(submissions),
    }


def lesson_order(lesson):
    """Sorts lessons as the course sets them; a lesson the course does not know comes last."""
    return (LESSONS.index(lesson), lesson) if lesson in LESSONS else (len(LESSONS), lesson)


def lesson_summary(lesson, group):
    """The scores, exercises and grading times of one lesson's notebooks ``group``."""
    scores = [s["score"] for s in group]
    seconds = [s["seconds"] for s in group if s["seconds"] is not None]
    return {
        "lesson": lesson,
        "notebooks": len(group),
        "max_score": max(s["max_score"] for s in group),
        "mean": statistics.fmean(scores),
        "median": statistics.median(scores),
        "scores": scores,
        "exercises": exercise_summaries(group),
        "seconds": seconds,
        "median_seconds": statistics.median(seconds) if seconds else None,
        "max_seconds": max(seconds) if seconds else None,
    }


def exercise_summaries(group):
    """Each exercise's mean score, and as a fraction of its points, in the order the lesson sets them."""
    scores, max_scores = defaultdict(list), {}
    for submission in group:
        for e in submission["exercises"]:  # the grader lists them in the lesson's order
            scores[e["name"]].append(e["score"])
            max_scores[e["name"]] = max(max_scores.get(e["name"], 0.0), e["max_score"])
    return [{"name": name, "notebooks": len(values), "mean": statistics.fmean(values), "max_score": max_scores[name],
             "fraction": statistics.fmean(values) / max_scores[name] if max_scores[name] else 1.0}
            for name, values in scores.items()]


def is_checks_report(feedback):
    return bool(REPORT_FIRST_LINE.match(feedback.split("\n", 1)[0]))


def failed_checks(feedback):
    """``(check description, message)`` of each failed check in an exercise's checks' report."""
    failures, lines = [], feedback.splitlines()
    for number, line in enumerate(lines):
        if found := FAILED_CHECK.match(line):
            message = []
            for following in lines[number + 1:]:
                if CHECK_LINE.match(following):
                    break
                message.append(following.removeprefix(MESSAGE_PREFIX).strip())
            failures.append((found["check"], " ".join(message)))
    return failures


def mistakes_in(submission, exercise):
    """The mistakes one exercise of one notebook shows: its failed checks, or why it was not graded.

    A notebook that failed as a whole (its error: unreadable, stopped) is
    left to the flagged submissions rather than counted once per exercise.
    """
    if is_checks_report(exercise["feedback"]):
        return failed_checks(exercise["feedback"])
    if exercise["score"] < exercise["max_score"] and not submission["error"]:
        return [(NOT_GRADED, exercise["feedback"].strip())]
    return []


def common_mistakes(submissions):
    """Failed checks counted across the class, the most common first.

    Each: ``lesson``, ``exercise``, ``check`` (its description), ``count``
    (notebooks that failed it), ``students`` and ``share`` (of the students
    who handed in that lesson) and ``example``, the most frequent message.
    """
    students, messages = defaultdict(set), defaultdict(Counter)
    for submission in submissions:
        for exercise in submission["exercises"]:
            for check, message in mistakes_in(submission, exercise):
                key = (submission["lesson"], exercise["name"], check)
                students[key].add(submission["student"])
                messages[key][message] += 1
    class_size = {lesson: len({s["student"] for s in submissions if s["lesson"] == lesson})
                  for lesson in {s["lesson"] for s in submissions}}
    rows = [{"lesson": key[0], "exercise": key[1], "check": key[2], "count": sum(messages[key].values()),
             "students": len(found), "share": len(found) / class_size[key[0]],
             "example": messages[key].most_common(1)[0][0]}
            for key, found in students.items()]
    return sorted(rows, key=lambda row: (-row["count"], lesson_order(row["lesson"]), row["exercise"], row["check"]))


def flagged(submissions):
    """The notebooks with a flag or an error: ``student``, ``lesson``, ``flags``, ``error``, by lesson and student."""
    rows = [{"student": s["student"], "lesson": s["lesson"], "flags": s["flags"], "error": s["error"]}
            for s in submissions if s["flags"] or s["error"]]
    return sorted(rows, key=lambda row: (lesson_order(row["lesson"]), row["student"]))


# The figures ------------------------------------------------------------------

COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3")
FIGURE_DPI = 110


def draw_figures(summary, folder):
    """Write the page's PNG figures into ``folder``; ``{name: file name}`` of those drawn."""
    figures = {"scores": draw_score_histograms(summary["lessons"]),
               "exercises": draw_exercise_means(summary["lessons"])}
    if summary["times_known"]:
        figures["times"] = draw_grading_times(summary["lessons"])
    names = {}
    for name, figure in figures.items():
        names[name] = f"{name}.png"
        figure.savefig(Path(folder) / names[name], dpi=FIGURE_DPI)
    return names


def new_figure(width, height):
    """A matplotlib figure drawn by Agg, outside pyplot: nothing global, nothing shown."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def lesson_colour(index):
    return COLOURS[index % len(COLOURS)]


def draw_score_histograms(lessons):
    """One histogram of the notebooks' total scores per lesson, with its mean and median."""
    columns = min(3, len(lessons))
    rows = -(-len(lessons) // columns)
    figure = new_figure(4.2 * columns, 2.9 * rows)
    for index, lesson in enumerate(lessons):
        axes = figure.add_subplot(rows, columns, index + 1)
        top = lesson["max_score"]
        bins = [x - 0.5 for x in range(int(top) + 2)] if top <= 40 else 20
        axes.hist(lesson["scores"], bins=bins, range=None if top <= 40 else (0, top),
                  color=lesson_colour(index), edgecolor="white")
        axes.axvline(lesson["mean"], color="black", linewidth=1.2, label=f"mean {lesson['mean']:.1f}")
        axes.axvline(lesson["median"], color="black", linestyle="--", linewidth=1.2,
                     label=f"median {lesson['median']:g}")
        axes.set_xlim(-0.5, top + 0.5)
        axes.set_title(f"{lesson['lesson']} ({lesson['notebooks']} notebooks)", fontsize=10)
        axes.set_xlabel(f"total score (of {top:g})")
        axes.set_ylabel("notebooks")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(fontsize=8, loc="upper left", frameon=False)
        axes.grid(axis="y", alpha=0.3)
    return figure


def draw_exercise_means(lessons):
    """One bar per exercise, its mean score as a share of its points, lesson by lesson from the top."""
    bars = [(index, lesson["lesson"], e) for index, lesson in enumerate(lessons) for e in lesson["exercises"]]
    figure = new_figure(9, 0.8 + 0.34 * len(bars))
    axes = figure.add_subplot()
    positions = range(len(bars))
    axes.barh(positions, [e["fraction"] * 100 for _, _, e in bars],
              color=[lesson_colour(index) for index, _, _ in bars], height=0.7)
    for position, (_, _, e) in zip(positions, bars):
        axes.text(e["fraction"] * 100 + 1, position, f"{e['fraction']:.0%}  ({e['mean']:.2g} of {e['max_score']:g})",
                  va="center", fontsize=8)
    axes.set_yticks(list(positions), [f"{lesson[:2]}  {e['name']}" for _, lesson, e in bars], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel("mean score, % of the exercise's points")
    axes.grid(axis="x", alpha=0.3)
    return figure


def draw_grading_times(lessons):
    """The grading time of every notebook, lesson by lesson: a box and each notebook as a dot."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    figure = new_figure(9, 0.9 + 0.55 * len(lessons))
    axes = figure.add_subplot()
    jitter = np.random.default_rng(0)  # the dots' vertical spread only; the same page for the same run
    for index, lesson in enumerate(lessons):
        seconds = lesson["seconds"]
        axes.boxplot([seconds], positions=[index], vert=False, widths=0.6, showfliers=False,
                     medianprops={"color": "black"}, boxprops={"color": "#555555"})
        axes.scatter(seconds, index + jitter.uniform(-0.2, 0.2, len(seconds)), s=10,
                     color=lesson_colour(index), alpha=max(0.15, min(0.8, 40 / len(seconds))), zorder=3)
    axes.set_yticks(range(len(lessons)), [lesson["lesson"] for lesson in lessons], fontsize=9)
    axes.invert_yaxis()
    if wide_spread(lessons):  # a notebook stopped at the time limit would squash all the others to the left
        axes.set_xscale("log")
        axes.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: f"{seconds:g}"))
        axes.set_xlabel("grading time per notebook (s, log scale)")
    else:
        axes.set_xlim(left=0)
        axes.set_xlabel("grading time per notebook (s)")
    axes.grid(axis="x", alpha=0.3)
    return figure


def wide_spread(lessons):
    """Whether the grading times are better drawn on a log scale: the slowest over ten times the median."""
    seconds = [s for lesson in lessons for s in lesson["seconds"]]
    return min(seconds) > 0 and max(seconds) > 10 * statistics.median(seconds)


# The page ---------------------------------------------------------------------

PAGE = string.Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #222; background: #f6f7f9; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 8px 0 2px; }
h2 { font-size: 19px; margin: 0 0 12px; }
.source { color: #666; margin: 0 0 20px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 20px; }
.card { background: white; border-radius: 8px; padding: 12px 18px; min-width: 140px;
        box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
.card b { display: block; font-size: 26px; }
.card span { color: #666; font-size: 13px; }
section { background: white; border-radius: 8px; padding: 18px 22px; margin-bottom: 20px;
          box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e4e6ea; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.share { display: inline-block; height: 10px; background: #c44e52; border-radius: 2px; margin-right: 6px; }
.message { color: #555; font-size: 13px; }
code { font-size: 13px; background: #f0f1f4; padding: 1px 4px; border-radius: 3px; }
figure { margin: 12px 0 0; }
img { max-width: 100%; height: auto; }
figcaption, .note { color: #666; font-size: 13px; }
</style>
</head>
<body>
<main>
<h1>$title</h1>
<p class="source">$source</p>
<div class="cards">$cards</div>
<section id="lessons">
<h2>Scores per lesson</h2>
$lessons
</section>
<section id="exercises">
<h2>Scores per exercise</h2>
$exercises
</section>
<section id="mistakes">
<h2>Most common mistakes</h2>
$mistakes
</section>
<section id="flagged">
<h2>Flagged submissions</h2>
$flagged
</section>
<section id="times">
<h2>Grading time per notebook</h2>
$times
</section>
</main>
</body>
</html>
""")


def render_page(summary, figures, source):
    """The report's HTML.

    ``summary`` comes from ``summarize``, ``figures`` from ``draw_figures``;
    ``source`` is a line on where the run was read from.
    """
    return PAGE.substitute(
        title="Class report", source=escape(source), cards=cards(summary),
        lessons=lessons_section(summary, figures), exercises=exercises_section(figures),
        mistakes=mistakes_section(summary["mistakes"]), flagged=flagged_section(summary["flagged"]),
        times=times_section(summary, figures))


def escape(text):
    return html.escape(str(text), quote=True)


def seconds_text(seconds):
    return "–" if seconds is None else f"{seconds:.1f} s"


def cards(summary):
    numbers = [(summary["students"], "students"), (summary["notebooks"], "notebooks graded"),
               (len(summary["lessons"]), "lessons"), (len(summary["flagged"]), "flagged")]
    if summary["times_known"]:
        everything = [s for lesson in summary["lessons"] for s in lesson["seconds"]]
        numbers.append((seconds_text(statistics.median(everything)), "median grading time"))
    return "".join(f'<div class="card"><b>{escape(value)}</b><span>{label}</span></div>' for value, label in numbers)


def table(headers, rows):
    """An HTML table; a header starting with "#" is a number column (right-aligned). Cells are HTML already."""
    def cell(tag, header, content):
        return f'<{tag} class="number">{content}</{tag}>' if header.startswith("#") else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", h, h.lstrip("#")) for h in headers)
    body = "".join("<tr>" + "".join(cell("td", h, c) for h, c in zip(headers, row)) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def percent_of(part, whole):
    return f"{part / whole:.0%}" if whole else "–"


def figure_tag(file_name, alt, caption):
    return f'<figure><img src="{escape(file_name)}" alt="{escape(alt)}"><figcaption>{caption}</figcaption></figure>'


def lessons_section(summary, figures):
    rows = [(escape(lesson["lesson"]), lesson["notebooks"], f"{lesson['mean']:.1f}", f"{lesson['median']:g}",
             f"{lesson['max_score']:g}", percent_of(lesson["mean"], lesson["max_score"]))
            for lesson in summary["lessons"]]
    return (table(["lesson", "#notebooks", "#mean", "#median", "#points", "#mean, % of points"], rows) + "\n"
            + figure_tag(figures["scores"], "a histogram of the total scores of each lesson",
                         "Each lesson's notebooks by total score; the lines are the mean and the median."))


def exercises_section(figures):
    return figure_tag(figures["exercises"], "a bar chart of each exercise's mean score as a share of its points",
                      "Each exercise's mean score as a share of its points, in the order the lessons set them. "
                      "A short bar is an exercise the class found hard.")


def mistakes_section(mistakes):
    if not mistakes:
        return '<p class="note">No check failed: every graded exercise earned all its points.</p>'
    rows = [(escape(m["lesson"]), f"<code>{escape(m['exercise'])}</code>",
             f'{escape(m["check"])}<div class="message">e.g. {escape(m["example"])}</div>', m["count"],
             f'<span class="share" style="width:{m["share"] * 60:.0f}px"></span>{m["share"]:.0%}')
            for m in mistakes[:MISTAKES_SHOWN]]
    more = (f'<p class="note">And {len(mistakes) - MISTAKES_SHOWN} less common ones.</p>'
            if len(mistakes) > MISTAKES_SHOWN else "")
    return ('<p class="note">Failed checks across the class, the most common first; each check\'s message names '
            "the likely mistake. Share: of the students who handed in the lesson.</p>\n"
            + table(["lesson", "exercise", "check, and an example of its message", "#failed", "#share of students"],
                    rows) + more)


def flagged_section(rows):
    if not rows:
        return '<p class="note">No submission was flagged.</p>'
    cells = [(escape(row["student"]), escape(row["lesson"]), "<br>".join(escape(flag) for flag in row["flags"]),
              escape(row["error"])) for row in rows]
    return ('<p class="note">Notebooks the grader flagged (an edited test cell, the reference imported, a '
            "sandbox refusal, a notebook stopped or unreadable): read these by hand.</p>\n"
            + table(["student", "lesson", "flags", "error"], cells))


def times_section(summary, figures):
    if not summary["times_known"]:
        return ('<p class="note">Grading times are not available: this run has no results.jsonl, '
                "only grades.csv.</p>")
    rows = [(escape(lesson["lesson"]), lesson["notebooks"], seconds_text(lesson["median_seconds"]),
             seconds_text(lesson["max_seconds"])) for lesson in summary["lessons"]]
    return (table(["lesson", "#notebooks", "#median", "#max"], rows) + "\n"
            + figure_tag(figures["times"], "the grading time of every notebook, lesson by lesson",
                         "Each dot is one notebook; the box spans the middle half of the lesson's times, "
                         "the line in it is the median."))


# Writing, and the command line ------------------------------------------------


def write_report(folder, out):
    """Read the run in ``folder``; write ``index.html`` and its figures into ``out``; returns the page's path."""
    folder, out = Path(folder), Path(out)
    submissions = read_run(folder)
    summary = summarize(submissions)
    out.mkdir(parents=True, exist_ok=True)
    figures = draw_figures(summary, out)
    page = out / "index.html"
    page.write_text(render_page(summary, figures, describe_source(folder)), encoding="utf-8")
    return page


def describe_source(folder):
    """One line on where the run was read from, and when it was written."""
    read = folder / RESULTS_FILE if (folder / RESULTS_FILE).is_file() else folder / GRADES_FILE
    written = datetime.fromtimestamp(read.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"From {read}, written {written}."


def add_parser(subparsers):
    """Register ``report FOLDER [--out DIR]`` on the CLI's ``subparsers``."""
    report = subparsers.add_parser("report", help="an HTML page on a graded class: scores, common mistakes, "
                                                  "flagged notebooks, grading times")
    report.add_argument("folder", type=Path, metavar="FOLDER", help="the output folder of grade (holding grades.csv)")
    report.add_argument("--out", type=Path, metavar="DIR", help="the folder to write index.html and its figures into "
                                                 "(default FOLDER/report)")
    return report


def main(args):
    """Run ``report`` with the parsed ``args``; the exit status."""
    try:
        page = write_report(args.folder, args.out or args.folder / "report")
    except BadRun as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {page}")
    return 0
