"""The student image keeps the course's secrets, and its quick checks say what the instructor's say.

The file set is what repo2docker copies into the student image: the context
that ``python -m deploy.student_build`` writes, less what its .dockerignore
leaves out (the packages the image installs, dae_reference and autograder,
are installed from these files). No line of it may be a line of a solution
(solutions/' BEGIN/END SOLUTION code and hidden tests, the model answers and
rubrics of the written questions), of a hidden check part, or of a graded
reference function, unless the released lessons show that line to every
student anyway. A leak found later becomes a case here.
"""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder import core
from autograder.course import LESSONS, lesson_path, solution_path
from deploy import student_build

ROOT = Path(__file__).resolve().parents[1]
MIN_LENGTH = 12  # shorter lines (`return x`, `import numpy as np`) say nothing of an answer


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "context"
    student_build.write_context(out)
    return out


def dockerignore_patterns(context):
    lines = (context / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(relative, patterns):
    """Docker's rule, as repo2docker applies it: a pattern matches the path or one of its parent folders."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatch(prefix, pattern) or (pattern.startswith("**/") and fnmatch.fnmatch(prefix.split("/")[-1], pattern[3:])):
                return True
    return False


def image_files(context):
    """``{relative path: text}`` of every file the student image receives (binary files by their bytes as latin-1)."""
    patterns, files = dockerignore_patterns(context), {}
    for path in sorted(context.rglob("*")):
        relative = path.relative_to(context).as_posix()
        if path.is_file() and not ignored(relative, patterns):
            files[relative] = text_of(path)
    return files


def text_of(path):
    raw = path.read_bytes()
    if path.suffix == ".ipynb":
        cells = json.loads(raw)["cells"]
        return "\n".join("".join(c["source"]) + "\n" + json.dumps(c.get("outputs", [])) for c in cells)
    return raw.decode("utf-8", errors="replace") if b"\0" not in raw[:1024] else raw.decode("latin-1")


def significant(lines):
    return {line.strip() for line in lines if len(line.strip()) >= MIN_LENGTH}


def public_lines():
    """Lines that are no secret: what the released lessons show, the public checks' code, untainted reference code."""
    lines = set().union(*(significant(text_of(lesson_path(lesson)).splitlines()) for lesson in LESSONS))
    for module_name in core.LESSON_MODULES:
        source = (ROOT / (module_name.replace(".", "/") + ".py")).read_text()
        tree, parts = student_build.split_parts(source)
        for node in tree.body:
            if parts.get(getattr(node, "name", None)) is not False:
                lines |= significant(student_build.segment(source, node).splitlines())
    plan = student_build.Plan()
    for module, info in plan.modules.items():
        for name, node in info.bindings.items():
            if (module, name) not in plan.tainted:
                lines |= significant(student_build.segment(info.source, node).splitlines())
    return lines


def between(text, begin, end):
    lines, inside = [], False
    for line in text.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def solution_secrets():
    """Solution code, hidden tests, model answers and rubrics: ``{line: where}``."""
    found = {}
    for lesson in LESSONS:
        for cell in json.loads(solution_path(lesson).read_text())["cells"]:
            text = "".join(cell["source"])
            nbgrader = cell.get("metadata", {}).get("nbgrader", {})
            lines = between(text, "### BEGIN SOLUTION", "### END SOLUTION") + between(text, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
            if cell["cell_type"] == "markdown" and nbgrader.get("solution"):
                lines += text.splitlines()  # a model answer and its rubric
            for line in significant(lines):
                found[line] = f"solutions/{lesson} ({nbgrader.get('grade_id', cell['cell_type'])})"
    return found


def hidden_check_secrets():
    """Lines of the hidden check parts that no public part or shared helper has: their inputs and expectations."""
    found = {}
    for module_name in core.LESSON_MODULES:
        path = ROOT / (module_name.replace(".", "/") + ".py")
        source = path.read_text()
        tree, parts = student_build.split_parts(source)
        hidden, shared = [], []
        for node in tree.body:
            text = student_build.segment(source, node).splitlines()
            body = text[1 + len(getattr(node, "decorator_list", [])):] if node.__class__.__name__ == "FunctionDef" else text
            (hidden if parts.get(getattr(node, "name", None)) is False else shared).extend(body)
        for line in significant(hidden) - significant(shared):
            found[line] = f"{path.relative_to(ROOT)} (a hidden part)"
    return found


def reference_secrets():
    """The body lines of every graded reference function."""
    plan = student_build.Plan()
    found = {}
    for module, name in plan.graded:
        info = plan.modules[module]
        node = info.bindings[name]
        docstring = ast_docstring_lines(node)
        body = student_build.segment(info.source, node).splitlines()[1:]
        for line in significant(body) - docstring:
            found[line] = f"{module}.{name}"
    return found


def ast_docstring_lines(node):
    import ast

    doc = ast.get_docstring(node, clean=False)
    return significant(doc.splitlines()) if doc else set()


@pytest.fixture(scope="module")
def secrets():
    found = {**reference_secrets(), **hidden_check_secrets(), **solution_secrets()}
    for line in public_lines():
        found.pop(line, None)
    assert len(found) > 100, "too few secrets found: the scan would prove nothing"
    return found


def leaks(files, secrets):
    """``[(file, where the line comes from, line)]`` for every secret line in ``files``."""
    out = []
    for relative, text in files.items():
        for line in significant(text.splitlines()):
            if line in secrets:
                out.append((relative, secrets[line], line))
    return out


def test_the_student_image_holds_no_answer(context, secrets):
    files = image_files(context)
    assert any(f.startswith("lessons/") for f in files) and "autograder/checks/lesson01.py" in files
    assert not [f for f in files if f.startswith(("solutions/", "tests/")) or f.endswith(("runner.py", "cli.py"))]
    found = leaks(files, secrets)
    assert not found, "\n".join(f"{f}: {where}: {line}" for f, where, line in found[:20])


@pytest.mark.parametrize("lesson", [LESSONS[0], LESSONS[5]])
def test_the_scan_finds_a_solution_put_back(context, secrets, tmp_path, lesson):
    leaky = tmp_path / "context"
    shutil.copytree(context, leaky)
    (leaky / "solutions" / lesson).mkdir(parents=True)
    shutil.copy2(solution_path(lesson), leaky / "solutions" / lesson)
    found = leaks(image_files(leaky), secrets)
    assert found and {f for f, _, _ in found} == {f"solutions/{lesson}/{lesson}.ipynb"}


def test_the_scan_finds_a_reference_module_and_a_full_check_put_back(context, secrets, tmp_path):
    leaky = tmp_path / "context"
    shutil.copytree(context, leaky)
    shutil.copy2(ROOT / "dae_reference" / "noise.py", leaky / "dae_reference" / "noise.py")
    shutil.copy2(ROOT / "autograder" / "checks" / "lesson04.py", leaky / "autograder" / "checks" / "lesson04.py")
    sources = {where.split(" ")[0] for _, where, _ in leaks(image_files(leaky), secrets)}
    assert "dae_reference.noise.add_gaussian_noise" in sources and "autograder/checks/lesson04.py" in sources


def test_the_student_readme_lists_the_lessons_that_lessons_readme_links_to(context):
    assert "(../README.md#the-lessons)" in (context / "lessons" / "README.md").read_text()
    readme = (context / "README.md").read_text()
    assert "\n## The lessons\n" in readme
    core.load_all()
    missing = [name for name in core.EXERCISES if f"`{name}`" not in readme]
    assert not missing, missing


def test_dockerignore_is_honoured(context):
    (context / "lessons" / "__pycache__").mkdir(exist_ok=True)
    (context / "lessons" / "__pycache__" / "x.pyc").write_text("cached")
    try:
        assert not [f for f in image_files(context) if "__pycache__" in f]
    finally:
        shutil.rmtree(context / "lessons" / "__pycache__")


def test_the_image_reference_has_no_graded_function(context):
    plan = student_build.Plan()
    graded = {name for _, name in plan.graded}
    for path in (context / "dae_reference").glob("*.py"):
        defined = set(re.findall(r"^def (\w+)", path.read_text(), flags=re.M))
        assert not defined & graded, (path.name, defined & graded)


def test_grade_is_absent_with_a_clear_message(context):
    result = run_in(context, "from autograder import grade\ngrade('mse', None)")
    assert result.returncode != 0
    assert "RuntimeError: grade('mse', ...) runs only in the instructor's grader" in result.stderr.strip().splitlines()[-1]


# Exercises whose answer is a value computed from arrays and numbers, which a shipped function could compute too.
# The others return a Keras model or a training (build_*, compile_, train_*, training_result, choose_precision,
# error_curves, noise_robustness): no value to compare, and no shipped function builds those networks.
VALUE_EXERCISES = ["mse", "compression_ratio", "pca_reconstruct", "add_gaussian_noise", "add_masking_noise",
                   "add_salt_and_pepper_noise", "psnr", "clipped_noise_mean", "conv2d_params", "receptive_field",
                   "regime_gap", "error_report", "evaluate_denoiser", "add_blind_noise", "nearest_neighbor_distance",
                   "audit", "linear_probe", "noise2noise_pairs", "two_point_posterior_mean", "tweedie_score", "langevin_sample"]
# A shipped function that computes an exercise's answer on purpose, and why. Any other is a leak.
SHIPPED_ON_PURPOSE = {
    ("dae_reference.drift.corrupt", "add_gaussian_noise"):
        "lesson 1 needs the tutorial's noise, clip(x + sigma * N(0, 1), 0, 1), and states it, before lesson 2 asks "
        "for it (with clip=False, dtype and seeding besides)",
}


def same_value(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    try:
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype.kind in "biuf" and b.dtype.kind in "biuf" and np.allclose(a, b, equal_nan=True)
    except (TypeError, ValueError):
        return False


def answers_the_checks_ask_for(name):
    """``[(args, kwargs, the reference's answer)]``: every call the checks of exercise ``name`` make."""
    import copy
    import importlib

    module, function = next(key for key in student_build.Plan().graded if key[1] == name)
    reference, calls = getattr(importlib.import_module(module), function), []

    def answer(*args, **kwargs):
        result = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        calls.append((copy.deepcopy(args), copy.deepcopy(kwargs), result))
        return result

    answer.__name__ = name
    results = core.run_parts(name, answer)
    assert all(r.earned == r.part.points for r in results), [r.message for r in results if r.message]
    return calls


@pytest.fixture(scope="module")
def shipped_functions():
    """``{qualified name: function}``: every function of the reference that the student image ships."""
    import importlib
    import inspect

    plan, found = student_build.Plan(), {}
    for module, name in sorted(plan.in_image):
        value = getattr(importlib.import_module(module), name, None) if not name.startswith("import:") else None
        if inspect.isfunction(value) and value.__module__ == module:
            found[f"{module}.{name}"] = value
    assert "dae_reference.evaluate.reconstruction_errors" not in found  # lesson 5's error_report is built from it
    assert len(found) > 20
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_no_shipped_function_computes_an_exercise_answer(name, shipped_functions):
    """The image holds no graded function, and no copy of one under another name: on every call that the
    exercise's checks make, no function the image ships (lessons 1 to 7 alike) returns the reference's answer.
    (A copy of lesson 2's clipped_noise_mean, evaluate.clipped_mean, was shipped until this test.)"""
    import inspect
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    calls = answers_the_checks_ask_for(name)
    assert calls, f"the checks of {name} never called the answer"
    copies = []
    for qualname, function in shipped_functions.items():
        signature, compared = inspect.signature(function), 0
        for args, kwargs, expected in calls:
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                continue
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"), core.quiet():
                    warnings.simplefilter("ignore")
                    got = function(*args, **kwargs)
            except Exception:
                got = None
            finally:
                plt.close("all")
            if not same_value(got, expected):
                break
            compared += 1
        else:
            if compared >= 2 and (qualname, name) not in SHIPPED_ON_PURPOSE:
                copies.append(f"{qualname} returns what {name} returns on all {compared} calls it takes")
    assert not copies, "\n".join(copies)


@pytest.mark.parametrize("lesson", range(1, len(LESSONS) + 1))
def test_no_release_reveals_its_own_or_a_later_answer(lesson):
    plan = student_build.Plan()
    revealed = plan.revealed()[lesson]
    own = [(m, n, k) for m, n, k in revealed if k >= lesson]
    assert not own, own


def test_deploy_readme_lists_what_each_release_reveals():
    """The instructor releases a lesson only after the lessons whose answers it reveals: deploy/README.md's table."""
    readme = (ROOT / "deploy" / "README.md").read_text()
    table = {int(lesson): set(re.findall(r"`(\w+)`", cells))
             for lesson, cells in re.findall(r"^\| lesson (\d) \| (.*) \|$", readme, re.M)}
    revealed = {lesson: {name for _, name, _ in items} for lesson, items in student_build.Plan().revealed().items() if items}
    assert table == revealed


def test_the_earlier_answers_let_the_lessons_import_in_the_student_image(context, tmp_path):
    plan = student_build.Plan()
    for lesson, wanted in plan.earlier.items():
        folder = tmp_path / LESSONS[lesson - 1]
        sources = plan.earlier_sources(lesson)
        (folder / student_build.EARLIER).mkdir(parents=True)
        (folder / student_build.EARLIER / "__init__.py").write_text("")
        for module, text in sources.items():
            (folder / student_build.EARLIER / f"{student_build.short(module)}.py").write_text(text)
        imports = "\n".join(f"from {m} import {n}" for m, n in sorted(plan.imports[lesson]) if m != "dae_reference")
        result = run_in(context, imports + "\nprint('imported')", cwd=folder)
        assert result.stdout.strip().endswith("imported"), (lesson, result.stderr[-2000:])


# check() in the student image says what the instructor's says ---------------------------------------

CHECK_SCRIPT = textwrap.dedent('''
    import contextlib, io, json, sys
    from autograder import check
    from tests.submissions import alternative
    from tests.submissions.wrong import load
    wrong = load()
    out = {}
    for name in NAMES:
        cases = [("right", getattr(alternative, name))] + [(f"wrong {i}", m.answer) for i, m in enumerate(wrong.get(name, []))
                                                           if not m.thread_ordered]
        for label, answer in cases:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                try:
                    check(name, answer)
                    ending = "passed"
                except Exception as error:
                    ending = type(error).__name__ + ": " + str(error)
            out[f"{name} / {label}"] = buffer.getvalue() + ending
    print("RESULT" + json.dumps(out))
''')


def exercises_to_compare():
    """Every exercise with a wrong answer in the corpus: its right answer and every mistake."""
    from tests.submissions.wrong import load

    wrong = load()
    core.load_all()
    return [name for name in core.EXERCISES if wrong.get(name)]


def run_in(context, code, cwd=None, extra_path=()):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(context), *map(str, extra_path)])
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd or context, env=env, capture_output=True, text=True, timeout=900)


def check_reports(context, names, tmp_path):
    """check()'s report for each exercise and answer, with only ``context`` and the answers on the path."""
    answers = tmp_path / "answers"
    shutil.copytree(ROOT / "tests" / "submissions", answers / "tests" / "submissions",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (answers / "tests" / "__init__.py").write_text("")
    result = run_in(context, f"NAMES = {names!r}\n" + CHECK_SCRIPT, cwd=tmp_path, extra_path=[answers])
    assert "RESULT" in result.stdout, result.stderr[-3000:]
    return json.loads(result.stdout.split("RESULT", 1)[1])


@pytest.mark.slow
def test_check_gives_the_same_report_in_the_student_image(context, tmp_path):
    names = exercises_to_compare()
    lessons = {core.exercise(name).lesson for name in names}
    assert lessons == set(LESSONS), f"lessons without an exercise to compare: {set(LESSONS) - lessons}"
    full = check_reports(ROOT, names, tmp_path / "full")
    student = check_reports(context, names, tmp_path / "student")
    assert set(full) == set(student)
    differ = {case: (full[case], student[case]) for case in full if full[case] != student[case]}
    assert not differ, "\n\n".join(f"{case}\nfull:    {a}\nstudent: {b}" for case, (a, b) in differ.items())
    assert any("passed" == report.splitlines()[-1] for report in student.values())
    assert any("QuickCheckFailed" in report for report in student.values())


def test_the_grading_sandbox_sees_no_answer(secrets):
    """The course's code a graded kernel sees (autograder.grading_tree): the student edition and the graded calls' side."""
    from autograder import grading_tree

    tree = grading_tree.grading_tree()
    files = {str(p.relative_to(tree)): text_of(p) for p in tree.rglob("*") if p.is_file()
             and p.relative_to(tree).parts[0] != "earlier" and "__pycache__" not in p.parts}
    assert {"autograder/answering.py", "autograder/wire.py", "autograder/checks/lesson02.py"} <= set(files)
    assert not [f for f in files if f.endswith(("runner.py", "cli.py", "remote.py"))]
    found = leaks(files, secrets)
    assert not found, "\n".join(f"{f}: {where}: {line}" for f, where, line in found[:20])


def test_every_reference_import_in_the_student_edition_finds_its_name(context):
    """What the student edition's code imports from the reference, at the top or inside a function (as
    config.get_profile imports device.gpu_available), is in the edition, unless it is a graded function,
    which comes with a later lesson's release in earlier_answers/."""
    import ast

    plan = student_build.Plan()

    def defined(module):
        path = context / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = context / module.replace(".", "/") / "__init__.py"
        tree = ast.parse(path.read_text())
        names = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        return names

    missing = []
    for path in sorted((context / "dae_reference").glob("*.py")) + sorted((context / "autograder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dae_reference."):
                for alias in node.names:
                    if (node.module, alias.name) not in plan.tainted and alias.name not in defined(node.module):
                        missing.append(f"{path.relative_to(context)} imports {node.module}.{alias.name}")
    assert not missing, "\n".join(missing)


def test_the_student_edition_picks_a_profile_on_its_own(context):
    """A student's notebook, with no $DAE_PROFILE, asks the device which profile to run."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAE_PROFILE", "NBGRADER_EXECUTION", "PYTHONPATH")}
    env.update(PYTHONPATH=str(context), TF_CPP_MIN_LOG_LEVEL="3")
    code = "from dae_reference.config import get_profile; print('PROFILE', get_profile()[0].name)"
    result = subprocess.run([sys.executable, "-c", code], cwd=context, env=env, capture_output=True, text=True, timeout=300)
    assert "PROFILE " in result.stdout, result.stderr[-2000:]
