"""Submissions that attack the grader: lesson 2's solution with a hostile line after the correct ``psnr``.

``attack_notebook(name, targets)`` writes one: the solution notebook of lesson
2 without its ungraded code cells (figures, explorations: a student may delete
them; it keeps the runs short), with ``ATTACKS[name]`` added at the end of
the ``psnr`` answer cell, at module level, so that it runs when that cell
runs. Every attack raises when it fails, so that a refused attack leaves a
cell error the grader flags; an attack that succeeds runs on silently (the
tests look at its effects). ``targets`` fills in the absolute paths and the
port an attacker would have to guess: the tests make them and know them.

Each entry: the code, and whether the sandbox is expected to stop it.
``FORGERIES`` follow a wrong psnr and try to get its points anyway; ``BORROWED``
hands in the reference's own answer, imported under another name.
"""

import nbformat

from autograder.course import solution_path

LESSON = "02_noise_models"
EXERCISE = "psnr"

ATTACKS = {
    # Reads what it must not: another student's notebook, the solutions, the checks' hidden inputs, the grader's home.
    "reads_other_student": ("text = open({victim!r}).read()\nassert 'def psnr' in text", True),
    "reads_solutions": ("text = open({solution!r}).read()\nassert 'BEGIN SOLUTION' in text", True),
    "reads_hidden_inputs": ("import autograder.checks.lesson02 as hidden\ntext = open(hidden.__file__).read()\n"
                            "assert '_psnr_identical_and_other_shapes' in text, 'no hidden check here'", True),
    "reads_reference_answer": ("reference = __import__('dae_' + 'reference.evaluate', fromlist=['psnr'])\n"
                               "assert callable(reference.psnr)", True),
    "reads_grader_home": ("text = open({home_secret!r}).read()\nassert 'secret' in text", True),
    "reads_environment": (
        "import os, glob\nfound = [os.environ.get('AUTOGRADER_TEST_SECRET', '')]\n"
        "for path in glob.glob('/proc/[0-9]*/environ'):\n"
        "    try:\n        found.append(open(path, 'rb').read().decode(errors='replace'))\n"
        "    except OSError:\n        pass\n"
        "assert any('hunter2' in text for text in found), 'no secret in the environment'", True),
    # Writes where it must not: the gradebook, another student's notebook, the grader's code.
    "writes_gradebook": ("open({gradebook!r}, 'w').write('alice,02_noise_models,100,14')", True),
    "writes_other_student": ("open({victim!r}, 'w').write('{{}}')", True),
    "writes_grader_code": ("open({project_file!r}, 'w').write('grade = lambda *a: 99')", True),
    # Reaches out: a socket to a server on the grader's machine.
    "opens_socket": ("import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5).sendall(b'stolen')", True),
    # Exhausts what others share: processes and disk.
    "fork_bomb": ("import os, time\nfor _ in range(100_000):\n    if os.fork() == 0:\n        time.sleep(20)\n"
                  "        os._exit(0)", True),
    "fills_disk": ("import itertools\nchunk = b'x' * (1 << 24)\nfor n in itertools.count():\n"
                   "    with open(f'fill{{n}}.bin', 'wb') as f:\n        for _ in range(8):\n            f.write(chunk)",
                   True),
}
# Forgeries: a wrong psnr (it returns 0.0, worth nothing of its 2 points) and code that tries to get the points
# anyway, from inside the kernel, where nbgrader's own autograde scores the hidden test cell. With the sandbox the
# grader scores outside the kernel, which holds no checks and no answers: they earn nothing.
FORGERIES = {
    "uses_the_reference": "psnr = lambda x, y, data_range=1.0: __import__('dae_' + 'reference.evaluate', "
                          "fromlist=['psnr']).psnr(x, y, data_range)",
    "rebinds_grade": "grade = lambda name, answer, *context: print(f'{name}: 2 / 2 points') or 2.0",
    "patches_numpy": "np.allclose = lambda *args, **kwargs: True\nnp.isclose = lambda a, b, *args, **kwargs: "
                     "np.ones(np.broadcast(a, b).shape, dtype=bool)",
    "obfuscated_import": "checker = __import__('auto' + 'grader.core', fromlist=['core'])\n"
                         "checker.run_part = lambda part, answer, *context: checker.Result(part, float(part.points))",
    "replaces_a_check": "import sys\nfor module in list(sys.modules.values()):\n"
                        "    for part in getattr(getattr(module, 'psnr', None), 'parts', []):\n"
                        "        part.run = lambda answer, *context: None",
}
# A borrowed answer: clipped_noise_mean (2 points) handed in as a call to the reference's own, imported at the top of
# the cell under another name, where the grader's look at the function's source does not reach. The kernel grading
# it sees the student edition, which holds no graded function, nor a copy of one under another name
# (deploy/student_build.py): the import fails and the exercise earns nothing.
BORROWED = "borrows_the_reference"
BORROWED_EXERCISE = "clipped_noise_mean"
BORROWED_CELL = ("from dae_reference.noise import clipped_noise_mean as exact_mean\n\n\n"
                 "def clipped_noise_mean(x, sigma):\n    return exact_mean(x, sigma)\n")
WRONG_PSNR = "    return 0.0  # wrong on purpose: the forgery below tries to get its points anyway"
# Not an isolation attack, and not stopped by the sandbox: psnr quits the kernel when the hidden test calls it.
EXITS_IN_CHECK = "exits_in_check"
# Attacks that would harm the machine with nothing to stop them: never run without the sandbox.
HARMFUL = ("fork_bomb", "fills_disk")


def attack_notebook(name, targets):
    """Lesson 2's solution, trimmed, with the attack ``name`` after psnr; ``targets`` fills its blanks.

    psnr is correct, except for a forgery (``FORGERIES``), whose psnr is wrong.
    """
    notebook = nbformat.read(solution_path(LESSON), as_version=4)
    notebook.cells = [c for c in notebook.cells if c.cell_type != "code" or c.metadata.get("nbgrader")]
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EXERCISE)
    if name == BORROWED:
        borrowed = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == BORROWED_EXERCISE)
        borrowed.source = BORROWED_CELL
    elif name == EXITS_IN_CHECK:  # grading calls psnr only in its hidden test cell
        cell.source = cell.source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    import os\n    os._exit(3)")
        assert "os._exit" in cell.source
    elif name in FORGERIES:
        cell.source = cell.source.replace("### BEGIN SOLUTION", f"### BEGIN SOLUTION\n{WRONG_PSNR}")
        cell.source += "\n\n" + FORGERIES[name] + "\n"
    else:
        cell.source += "\n\n" + ATTACKS[name][0].format(**targets) + "\n"
    return notebook


def with_made_up_test_cell(notebook):
    """``notebook`` with a graded test cell of the student's own making, worth 100 points and printing nothing.

    A forgery of the gradebook path (``--gradebook``): under nbgrader a graded
    code cell without output earns its points, so the cell must earn none.
    """
    notebook.cells.append(nbformat.v4.new_code_cell("print('all good')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 100, "grade_id": "test_bonus",
        "schema_version": 3}}))
    return notebook
