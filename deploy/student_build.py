"""Write the student image's build context: the lessons, the quick checks, and no answers.

    python -m deploy.student_build OUT            # the build context of the student image
    python -m deploy.student_build --earlier OUT  # the earlier lessons' answers each lesson's release carries

Everything is derived from the repository when the command runs, so that it
follows the lessons, the checks and the reference as they change:

* ``dae_reference`` of the image: the modules without a graded function
  (data, plots, config) whole; of every other module only what the lessons
  import from it and what that needs, as long as none of it is, or calls, a
  graded function (a reference function with an exercise's name). What a
  lesson imports that is an earlier lesson's answer is not in the image: the
  module's ``__getattr__`` takes it from ``earlier_answers/`` beside the
  notebook, which that lesson's release carries (``--earlier``).
* ``autograder`` of the image: the checks' modules with only their public
  parts (the ``public=True`` parts, found in the source's syntax tree; the
  hidden parts and the helpers only they use are left out). Each reference
  call a public part makes was run when the context was written, and its
  result recorded (``autograder/checks/recorded.pickle``); the image's checks
  replay them (``autograder/replay.py``). ``grade`` raises: grading is the
  instructor's.
* the image's recipe: ``environment.yml``, ``apt.txt``, ``postBuild``,
  ``.dockerignore`` and a ``pyproject.toml`` that installs the two packages
  with the ``gpu`` and ``course`` extras.

deploy/README.md builds the image from OUT with repo2docker.
"""

import argparse
import ast
import contextlib
import copy
import importlib
import inspect
import json
import pickle
import shutil
from pathlib import Path
from unittest import mock

from deploy import replay

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "dae_reference"
# Modules of the reference that the image never needs: the command line.
NOT_SHIPPED = {"cli", "__main__"}
# Reference functions whose answer depends on the machine: recorded for every GPU the course meets.
ENVIRONMENT_DEPENDENT = {"dae_reference.device.choose_precision"}
GPU_CAPABILITIES = [None] + [(major, minor) for major in range(3, 13) for minor in range(10)]
EARLIER = "earlier_answers"
RECIPE_FILES = ["apt.txt", "postBuild", ".dockerignore", "deploy/exchange-requirements.txt",
                "deploy/install-exchange-client.sh"]


# The reference's modules, read as syntax trees --------------------------------------------------


class Module:
    """One module of the reference: its top-level statements, what each binds and what each uses."""

    def __init__(self, name):
        self.name = name
        self.path = ROOT / (name.replace(".", "/") + ".py")
        self.source = self.path.read_text()
        self.tree = ast.parse(self.source)
        self.bindings = {}  # name -> statement (def, class, assignment) of this module
        self.imports = {}  # name -> (module, attribute or None) for names bound by an import
        for statement in self.tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bindings[statement.name] = statement
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            self.bindings[node.id] = statement
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    self.imports[alias.asname or alias.name.split(".")[0]] = (alias.asname and alias.name or alias.name.split(".")[0], None)
            elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
                for alias in statement.names:
                    self.imports[alias.asname or alias.name] = (statement.module, alias.name)

    def functions(self):
        return [name for name, node in self.bindings.items() if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def uses(self, name):
        """What the binding ``name`` refers to: ``{(module, name)}`` in the reference, and imports of this module."""
        node, found = self.bindings[name], set()
        for child in ast.walk(node):
            if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
                target = self.imports.get(child.value.id)
                if target and target[1] is None and target[0].startswith(REFERENCE + "."):
                    found.add((target[0], child.attr))
                elif target and target[1] and f"{target[0]}.{target[1]}".startswith(REFERENCE + "."):
                    found.add((f"{target[0]}.{target[1]}", child.attr))
            if isinstance(child, ast.Name) and child.id != name:
                found |= self.resolve(child.id)
            if isinstance(child, ast.ImportFrom) and child.level == 0 and (child.module or "").startswith(REFERENCE):
                found |= {(child.module, alias.name) for alias in child.names}
        return found

    def resolve(self, name):
        if name in self.bindings:
            return {(self.name, name)}
        if name in self.imports:
            module, attribute = self.imports[name]
            if attribute and module.startswith(REFERENCE):
                return {(module, attribute), (self.name, "import:" + name)}
            return {(self.name, "import:" + name)}
        return set()


def reference_modules():
    names = sorted(p.stem for p in (ROOT / REFERENCE).glob("*.py") if p.stem not in NOT_SHIPPED)
    return {f"{REFERENCE}.{n}" if n != "__init__" else REFERENCE: Module(f"{REFERENCE}.{n}" if n != "__init__" else REFERENCE + ".__init__")
            for n in names}


def exercises():
    """Every exercise of the checks: ``{name: lesson index (1-6)}``."""
    from autograder import core
    from autograder.course import LESSONS

    core.load_all()
    return {name: LESSONS.index(ex.lesson) + 1 for name, ex in core.EXERCISES.items()}


def graded_functions(modules):
    """The reference functions that answer an exercise: ``{(module, name): lesson}``."""
    lesson_of = exercises()
    return {(module, name): lesson_of[name] for module, info in modules.items() for name in info.functions() if name in lesson_of}


def closure(modules, wanted):
    """``wanted`` ({(module, name)}) and everything it uses in the reference, imports included."""
    seen, todo = set(), list(wanted)
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        module, name = key
        info = modules.get(module)
        if info is None or name.startswith("import:") or name not in info.bindings:
            continue
        todo.extend(info.uses(name))
    return seen


def tainted(modules, graded):
    """Every binding of the reference that is, or uses, a graded function."""
    bad = set(graded)
    changed = True
    while changed:
        changed = False
        for module, info in modules.items():
            for name in info.bindings:
                if (module, name) not in bad and info.uses(name) & bad:
                    bad.add((module, name))
                    changed = True
    return bad


def emit(info, names, note, getattr_fallback=False):
    """Source of a module holding ``names`` of ``info`` (and the imports they use), in the original order."""
    used_imports = {n.split(":", 1)[1] for n in names if n.startswith("import:")}
    lines = [f'"""{note}"""', ""]
    future = []
    for statement in info.tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            future.append(ast.unparse(statement))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            kept = [a for a in statement.names if (a.asname or a.name.split(".")[0]) in used_imports]
            if kept:
                trimmed = copy.copy(statement)
                trimmed.names = kept
                lines.append(ast.unparse(trimmed))
        else:
            bound = [n for n, s in info.bindings.items() if s is statement]
            if bound and any(n in names for n in bound):
                lines += ["", segment(info.source, statement), ""]
    if getattr_fallback:
        lines += ["", GETATTR.format(module=info.name, earlier=EARLIER, module_short=short(info.name))]
    return "\n".join(future + lines).rstrip() + "\n"


GETATTR = '''def __getattr__(name):
    """An earlier lesson's answer that a later lesson builds on: it comes with that lesson's release."""
    import importlib

    try:
        module = importlib.import_module("{earlier}.{module_short}")
    except ModuleNotFoundError:
        module = None
    if module is None or not hasattr(module, name):
        raise AttributeError(
            f"{module}.{{name}} is not in the student edition: if a lesson uses it, it is an earlier lesson's answer "
            "that comes with that lesson's release (the folder {earlier}/ beside its notebook); fetch the lesson again")
    return getattr(module, name)
'''


def segment(source, node):
    """The source lines of a top-level statement, its decorators included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(source.splitlines()[first - 1:node.end_lineno])


def short(module):
    return module.rsplit(".", 1)[1]


# What the lessons import -----------------------------------------------------------------------


def lesson_imports(notebook):
    """What a lesson notebook takes from the reference: ``{(module, name)}``."""
    cells = [c for c in json.loads(Path(notebook).read_text())["cells"] if c["cell_type"] == "code"]
    source = "\n".join("\n".join(line for line in "".join(c["source"]).splitlines() if not line.lstrip().startswith(("%", "!")))
                       for c in cells)
    tree, found, aliases = ast.parse(source), set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(REFERENCE):
            for alias in node.names:
                if node.module == REFERENCE:
                    aliases[alias.asname or alias.name] = f"{REFERENCE}.{alias.name}"
                else:
                    found.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(REFERENCE + ".") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.add((aliases[node.value.id], node.attr))
    return found


def lesson_notebooks():
    from autograder.course import LESSONS, lesson_path

    return {index + 1: lesson_path(lesson) for index, lesson in enumerate(LESSONS)}


# The plan: what goes into the image and what into each lesson's release ----------------------------


def answer_parts(modules, graded, imports, whole):
    """The functions a graded function uses that no lesson up to its own needs: ``{(module, name)}``.

    ``error_report`` (lesson 5) is ``reconstruction_errors`` and ``per_class_mse``
    put together; lesson 6 is the first to use those. In the image from lesson 1
    on, they would be most of lesson 5's answer, ready to import. Such a piece
    comes with the releases after its lesson instead, like the answer itself. A
    piece that a lesson up to its own imports (lesson 6's ``class_disparity``,
    one line of ``audit``) is shown by that lesson and ships in the image.
    ``whole``: the bindings every lesson has, the modules shipped whole.
    """
    first_needed = {key: 1 for key in closure(modules, whole)}
    for lesson, wanted in sorted(imports.items()):
        for key in closure(modules, wanted):
            first_needed.setdefault(key, lesson)
    parts = set()
    for key, lesson in graded.items():
        for module, name in closure(modules, {key}) - set(graded):
            node = modules[module].bindings.get(name) if module in modules else None
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and first_needed.get((module, name), lesson + 1) > lesson:
                parts.add((module, name))
    return parts


class Plan:
    def __init__(self):
        self.modules = reference_modules()
        self.graded = graded_functions(self.modules)
        self.imports = {lesson: lesson_imports(path) for lesson, path in lesson_notebooks().items()}
        with_graded_code = {m for m, _ in tainted(self.modules, self.graded)}
        whole = {(m, name) for m in self.modules if m not in with_graded_code for name in self.modules[m].bindings}
        # What the image must not hold: the graded functions, what uses them, and the pieces only they use so far.
        self.tainted = tainted(self.modules, set(self.graded) | answer_parts(self.modules, self.graded, self.imports, whole))
        everything = set().union(*self.imports.values())
        # A module without graded code ships whole, so what its functions use in other modules ships too (e.g.
        # config.get_profile imports device.gpu_available inside its body). Nothing untainted uses a tainted binding.
        shipped_whole = {(m, name) for m in self.whole_modules() for name in self.modules[m].bindings}
        self.in_image = closure(self.modules, {key for key in everything if key not in self.tainted} | shipped_whole)
        self.earlier = {lesson: {key for key in wanted if key in self.tainted} for lesson, wanted in self.imports.items()}

    def whole_modules(self):
        """Modules without a graded function or anything that uses one: shipped as they are."""
        return [m for m in self.modules if not any(k[0] == m for k in self.tainted)]

    def image_module_source(self, module, extra=()):
        info = self.modules[module]
        wanted = {k for k in self.in_image | set(extra) if k[0] == module}
        names = {name for m, name in closure(self.modules, wanted) if m == module}
        leaked = {k for k in closure(self.modules, wanted) if k in self.tainted}
        if leaked:
            raise SystemExit(f"the image would hold graded code: {sorted(leaked)}")
        note = (f"The student edition of {module}: only what the lessons use from it "
                f"(written by deploy/student_build.py; the graded functions are left out).")
        return emit(info, names, note, getattr_fallback=True)

    def earlier_sources(self, lesson):
        """``{module: source}`` of the earlier answers lesson ``lesson`` builds on; none of its own or a later one."""
        wanted = closure(self.modules, self.earlier[lesson])
        too_early = {k: self.graded[k] for k in wanted if k in self.graded and self.graded[k] >= lesson}
        if too_early:
            names = ", ".join(f"{m}.{n} (lesson {n_})" for (m, n), n_ in sorted(too_early.items()))
            raise SystemExit(f"lesson {lesson} needs code that is its own or a later lesson's answer: {names}")
        sources = {}
        for module in sorted({m for m, _ in wanted if m in self.modules}):
            names = {n for m, n in wanted if m == module}
            if not any(n in self.modules[module].bindings for n in names):
                continue
            note = (f"Earlier lessons' answers that lesson {lesson} builds on, from {module} "
                    "(written by deploy/student_build.py --earlier).")
            sources[module] = emit(self.modules[module], names, note)
        return sources

    def revealed(self):
        """``{lesson: [(module, name, lesson it answers)]}``: the graded functions each lesson's release shows."""
        out = {}
        for lesson in self.earlier:
            wanted = closure(self.modules, self.earlier[lesson])
            out[lesson] = sorted((m, n, self.graded[(m, n)]) for m, n in wanted if (m, n) in self.graded)
        return out


# The quick checks: public parts only, reference calls recorded ---------------------------------


def part_decorator(node):
    """``(exercise variable, public)`` if ``node`` is a part of an exercise, else None."""
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "part":
            public = any(k.arg == "public" and isinstance(k.value, ast.Constant) and k.value.value is True
                         for k in decorator.keywords)
            return decorator.func.value.id, public
    return None


def split_parts(source):
    """The check module's syntax tree and ``{function name: public}`` of its parts."""
    tree = ast.parse(source)
    parts = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and part_decorator(node):
            parts[node.name] = part_decorator(node)[1]
    return tree, parts


def names_used(nodes):
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def public_check_source(module_name, source, recorded_functions, recorded_constants):
    """The check module with its public parts only; its reference bindings replayed."""
    tree, parts = split_parts(source)
    body = [s for s in tree.body if not (isinstance(s, ast.FunctionDef) and s.name in parts and not parts[s.name])]
    helpers = {s.name for s in body if isinstance(s, ast.FunctionDef) and s.name not in parts}
    while True:  # drop the helpers that only the hidden parts used
        used = names_used([s for s in body if not (isinstance(s, ast.FunctionDef) and s.name in helpers)])
        used |= {n for s in body if isinstance(s, ast.FunctionDef) and s.name in helpers
                 for n in names_used(s.body + s.args.defaults + s.decorator_list) if n != s.name}
        unused = {s.name for s in body if isinstance(s, ast.FunctionDef) and s.name in helpers and s.name not in used}
        if not unused:
            break
        body = [s for s in body if not (isinstance(s, ast.FunctionDef) and s.name in unused)]
        helpers -= unused
    out = []
    for statement in body:
        if isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith(REFERENCE):
            out += replay_bindings(statement, recorded_functions, recorded_constants)
        elif isinstance(statement, ast.Import) and any(a.name.startswith(REFERENCE) for a in statement.names):
            out += [f"{a.asname or a.name} = _replay.ReplayModule({a.name!r}, __name__)" for a in statement.names]
        else:
            out.append(segment(source, statement))
    public = sorted(name for name, is_public in parts.items() if is_public)
    register = ", ".join(f'"{module_name}:{name}": {name}' for name in public)
    header = ("# The student edition of this lesson's checks (deploy/student_build.py): the public parts only; the reference's\n"
              "# answers they compare with were recorded when the image was built and are replayed by autograder.replay.\n"
              "from autograder import replay as _replay\n")
    docstring, rest = (out[0], out[1:]) if isinstance(tree.body[0], ast.Expr) else ("", out)
    text = (docstring + "\n\n" if docstring else "") + header + "\n" + "\n\n".join(rest)
    return text + f"\n\n_replay.register_parts(__name__, {{{register}}})\n"


def replay_bindings(statement, recorded_functions, recorded_constants):
    lines = []
    for alias in statement.names:
        bound = alias.asname or alias.name
        qualname = f"{statement.module}.{alias.name}"
        if statement.module == REFERENCE:
            lines.append(f"{bound} = _replay.ReplayModule({qualname!r}, __name__)")
        elif qualname in recorded_functions:
            lines.append(f"{bound} = _replay.ReplayFunction({qualname!r}, __name__)")
        elif qualname in recorded_constants:
            lines.append(f"{bound} = _replay.ReplayModule({statement.module!r}, __name__).{alias.name}")
        else:
            lines.append(f"from {statement.module} import {alias.name}" + (f" as {alias.asname}" if alias.asname else ""))
    return lines


class Recorder:
    """Runs the public parts against the reference and keeps what each reference call returned."""

    def __init__(self, plan):
        self.plan = plan
        self.table = {"functions": {}, "constants": {}, "calls": {}}
        self.passthrough = set()  # (module, name) the checks use from the image's own modules
        self.codes = {}

    def record_lesson(self, module_name):
        from autograder import core

        check_module = importlib.import_module(module_name)
        _, parts = split_parts(Path(check_module.__file__).read_text())
        self.codes = {getattr(check_module, name).__code__: f"{module_name}:{name}" for name, public in parts.items() if public}
        replaced = {}
        for name, value in vars(check_module).items():
            if inspect.ismodule(value) and value.__name__.startswith(REFERENCE + "."):
                replaced[name] = RecordingModule(self, value)
            elif inspect.isfunction(value) and value.__module__.startswith(REFERENCE + "."):
                replaced[name] = RecordingFunction(self, value)
        lesson = check_module.LESSON
        with mock.patch.multiple(check_module, **replaced) if replaced else contextlib.nullcontext():
            for exercise in core.exercises(lesson):
                answer = self.reference_answer(exercise.name)
                for part in exercise.parts:
                    if part.public and answer is not None:
                        result = core.run_part(part, answer)
                        if result.earned != part.points:
                            raise SystemExit(f"the reference fails {exercise.name}'s public check "
                                             f"'{part.description}': {result.message}")

    def reference_answer(self, name):
        for (module, function), _ in self.plan.graded.items():
            if function == name:
                return getattr(importlib.import_module(module), function)
        return None

    def current_part(self):
        frame = replay.part_frame(self.codes)
        return self.codes[frame.f_code] if frame is not None else None

    def function(self, qualname, real):
        if qualname not in self.table["functions"]:
            parameters = [(p.name, p.default is not p.empty, None if p.default is p.empty else p.default, p.kind.name)
                          for p in inspect.signature(real).parameters.values()]
            self.table["functions"][qualname] = {"parameters": parameters, "environment": qualname in ENVIRONMENT_DEPENDENT}
        return self.table["functions"][qualname]

    def call(self, qualname, real, args, kwargs):
        info = self.function(qualname, real)
        part = self.current_part()
        key = replay.call_key(info["parameters"], args, kwargs)
        if part is not None and info["environment"]:
            for capability in GPU_CAPABILITIES:
                with pretend_gpu(capability):
                    self.add(part, qualname, (key, capability), real(*args, **kwargs))
        result = real(*args, **kwargs)
        if part is not None and not info["environment"]:
            self.add(part, qualname, key, result)
        return result

    def add(self, part, qualname, key, value):
        try:
            stored = pickle.dumps(value)
            if "keras" in type(value).__module__ or "tensorflow" in type(value).__module__:
                raise TypeError("a Keras or TensorFlow object")
        except Exception:
            stored = replay.UNRECORDABLE
        self.table["calls"].setdefault((part, qualname, key), []).append(stored)


class RecordingModule:
    def __init__(self, recorder, module):
        self._recorder, self._module = recorder, module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        qualname = f"{self._module.__name__}.{name}"
        key = (self._module.__name__, name)
        if key in self._recorder.plan.in_image or (key not in self._recorder.plan.tainted and not inspect.isfunction(value)
                                                   and key[0] in self._recorder.plan.whole_modules()):
            self._recorder.passthrough.add(key)
            return value
        if inspect.isfunction(value) or inspect.isclass(value):
            if key in self._recorder.plan.tainted or key[0] not in self._recorder.plan.whole_modules():
                if inspect.isfunction(value):
                    return RecordingFunction(self._recorder, value, qualname)
            self._recorder.passthrough.add(key)
            return value
        self._recorder.table["constants"][qualname] = pickle.dumps(value)
        return value


class RecordingFunction:
    def __init__(self, recorder, real, qualname=None):
        self.recorder, self.real = recorder, real
        self.qualname = qualname or f"{real.__module__}.{real.__name__}"
        self.__name__ = real.__name__

    def __call__(self, *args, **kwargs):
        return self.recorder.call(self.qualname, self.real, args, kwargs)


@contextlib.contextmanager
def pretend_gpu(capability):
    """TensorFlow reports one GPU of compute ``capability`` (major, minor), or none."""
    import tensorflow as tf

    gpus = [] if capability is None else [tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")]
    details = {"compute_capability": capability, "device_name": "pretend GPU"} if capability else {}
    real_list = tf.config.list_physical_devices

    def list_devices(device_type=None):
        return gpus if device_type == "GPU" else real_list(device_type)

    with mock.patch.object(tf.config, "list_physical_devices", list_devices), \
            mock.patch.object(tf.config.experimental, "list_physical_devices", list_devices), \
            mock.patch.object(tf.config.experimental, "get_device_details", lambda gpu: details):
        yield


# Writing the context ---------------------------------------------------------------------------


def student_pyproject():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    quoted = lambda items: ", ".join(json.dumps(i) for i in items)  # noqa: E731
    return f'''# The student image's package (written by deploy/student_build.py from the course's pyproject.toml).
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "dae-course-student"
version = "{project["version"]}"
description = "Denoising Autoencoders with Keras: the lessons and their quick checks (student edition)"
readme = "README.md"
license = "{project["license"]}"
requires-python = "{project["requires-python"]}"
dependencies = [{quoted(project["dependencies"])}]

[project.optional-dependencies]
gpu = [{quoted(extras["gpu"])}]
course = [{quoted(extras["course"])}]

[tool.setuptools.packages.find]
include = ["dae_reference*", "autograder*"]

[tool.setuptools.package-data]
dae_reference = ["weights/*.keras"]
autograder = ["*.json", "checks/*.pickle"]
'''


STUDENT_INIT = '''"""The course's quick checks (student edition): ``check(name, function)`` after each exercise.

The graded tests are your instructor's: ``grade`` is not part of this edition.
"""

from autograder.core import check


def grade(name, *args, **kwargs):
    """Not in the student edition: the instructor's grader runs the graded tests."""
    raise RuntimeError(f"grade({name!r}, ...) runs only in the instructor's grader; use check({name!r}, ...) for the quick checks")


__all__ = ["check", "grade"]
'''

STUDENT_README = """# Denoising Autoencoders with Keras: the student edition

This image holds the lessons (`lessons/`, see `lessons/README.md`), the data
loader, the plotting helpers and the quick checks that `check()` runs after
each exercise. The graded tests, the solutions and the reference answers are
your instructor's. Lessons 4 to 7 build on earlier lessons' answers: they come
with that lesson's release, in the folder `earlier_answers/` beside its notebook.
"""


def lessons_section():
    """README.md's table of the lessons, their graded functions and experiments, which lessons/README.md links to."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("## The lessons")
    table = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return "\n".join(["## The lessons", "", *table, ""])


def write_context(out):
    """Write the student image's build context into ``out`` (a new or empty folder); return the plan."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty: give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    plan = Plan()
    recorder = Recorder(plan)
    from autograder.core import LESSON_MODULES

    for module_name in LESSON_MODULES:
        recorder.record_lesson(module_name)

    # the lessons, as released (nothing beside them but the notebooks and the README)
    shutil.copytree(ROOT / "lessons", out / "lessons", ignore=shutil.ignore_patterns(EARLIER, "*.keras", "__pycache__",
                                                                                      ".ipynb_checkpoints", "feedback"))
    # dae_reference, student edition
    package = out / REFERENCE
    package.mkdir()
    whole = plan.whole_modules()
    for module, info in plan.modules.items():
        target = package / info.path.name
        if module in whole:
            shutil.copy2(info.path, target)
        else:
            extra = {k for k in recorder.passthrough if k[0] == module}
            target.write_text(plan.image_module_source(module, extra))
    if any(k[0] == f"{REFERENCE}.model" and k[1] == "load_pretrained" for k in plan.in_image):
        shutil.copytree(ROOT / REFERENCE / "weights", package / "weights")
    # autograder, student edition
    grader = out / "autograder"
    (grader / "checks").mkdir(parents=True)
    for name in ("core.py", "course.py", "clock.py", "thresholds.json"):
        shutil.copy2(ROOT / "autograder" / name, grader / name)
    shutil.copy2(Path(replay.__file__), grader / "replay.py")
    (grader / "__init__.py").write_text(STUDENT_INIT)
    shutil.copy2(ROOT / "autograder" / "checks" / "__init__.py", grader / "checks" / "__init__.py")
    for module_name in LESSON_MODULES:
        source = (ROOT / (module_name.replace(".", "/") + ".py")).read_text()
        text = public_check_source(module_name, source, recorder.table["functions"], recorder.table["constants"])
        (grader / "checks" / (module_name.rsplit(".", 1)[1] + ".py")).write_text(text)
    (grader / "checks" / "recorded.pickle").write_bytes(pickle.dumps(recorder.table))
    # the recipe
    for name in RECIPE_FILES:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, out / name)
    environment = (ROOT / "environment.yml").read_text().replace("-e .[gpu,course,test]", "-e .[gpu,course]")
    (out / "environment.yml").write_text(environment)
    (out / "pyproject.toml").write_text(student_pyproject())
    (out / "README.md").write_text(STUDENT_README + "\n" + lessons_section())
    return plan


def write_earlier(out):
    """Write each lesson's ``earlier_answers/`` into ``out/<lesson>/`` (an nbgrader source folder); return the plan."""
    from autograder.course import LESSONS

    plan = Plan()
    for lesson, sources in ((n, plan.earlier_sources(n)) for n in plan.earlier):
        if not sources:
            continue
        folder = Path(out) / LESSONS[lesson - 1] / EARLIER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text(f'"""Earlier lessons\' answers that lesson {lesson} builds on."""\n')
        for module, text in sources.items():
            (folder / f"{short(module)}.py").write_text(text)
    return plan


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.student_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write (the build context, or with --earlier a source folder)")
    parser.add_argument("--earlier", action="store_true",
                        help="write each lesson's earlier_answers/ into OUT/<lesson>/ instead of the build context")
    args = parser.parse_args(argv)
    plan = write_earlier(args.out) if args.earlier else write_context(args.out)
    for lesson, revealed in plan.revealed().items():
        if revealed:
            print(f"lesson {lesson} reveals: " + ", ".join(f"{n} (lesson {k})" for _, n, k in revealed))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
