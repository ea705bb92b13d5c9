"""The sandbox a notebook's kernel runs in: bubblewrap's argument list, built from a plain description.

``describe`` says what the kernel may see, in one list of mounts, each with
the reason it is there; ``arguments`` turns that description into the
``bwrap`` command line that starts the kernel, and nothing else. The runner
asks for it (``autograder.runner.SandboxKernelManager``); the grader's own
process, ``solutions/`` and the output folder stay outside.

Inside: its own user, PID, network, IPC and UTS namespaces (``--unshare-all``;
the network namespace has only its own loopback, so no address outside can be
reached), the system, the Python environment and the course's two packages
(their student edition when grading) read-only, and only three writable
places, all size-limited tmpfs: its home (the working directory, a copy of
the notebook's folder), ``/tmp`` and ``/dev/shm``. It talks to the grader over
Unix socket files in a folder of its own (Jupyter's ``ipc`` transport, and the
grader's socket for the graded calls), the only thing it shares with the grader.
The environment is rebuilt from nothing (``--clearenv``): a few settings of the
course, never the grader's variables.

Limits: the grader's memory limit (RLIMIT_DATA) is inherited; ``enter``, the
first program inside, adds a process-count limit (RLIMIT_NPROC, counted per
user namespace since Linux 5.14, so other sandboxes are not counted) and a
file-size limit, then starts the kernel. The kernel must not run as the host's
root, which RLIMIT_NPROC does not bind: when the grader is root, bwrap runs
privileged without a user namespace and ``enter`` switches to a user id of its
own (``sandbox_uid``) before starting the kernel.

``enter`` runs as ``python -I autograder/sandbox.py``: standard library only.
"""

import argparse
import ctypes
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BWRAP = "bwrap"
PROCESS_LIMIT = 512  # processes and threads: TensorFlow's pools need tens; a fork bomb stops here
FILE_LIMIT_MB = 256  # the largest file the kernel may write (a trained model is about 1 MB)
SCRATCH_MB = 512  # the size of each writable tmpfs: home (the working directory), /tmp, /dev/shm
HOME = "/home/student"
SUBMISSION = "/mnt/submission"  # the notebook's folder, read-only, copied into the working directory by ``enter``
UID_BASE = 2_000_000_000  # when the grader is root, the kernel runs as UID_BASE + the runner's PID: unique while it runs
# The only variables the kernel gets from the grader: the course's own settings.
PASSED_VARIABLES = ("NBGRADER_EXECUTION", "DAE_PROFILE", "DAE_DATA_DIR", "TF_CPP_MIN_LOG_LEVEL", "OMP_NUM_THREADS",
                    "CUDA_VISIBLE_DEVICES")
PROJECT_PACKAGES = ("autograder", "dae_reference")  # the kernel imports both; solutions/, tests/, .git stay out
# Files of /etc that programs need; the rest of /etc (configuration, keys) stays out.
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime",
                "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/fonts", "/etc/mime.types")


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made here: the message says why in one line."""


@dataclass(frozen=True)
class Mount:
    """One thing the sandbox shows: ``kind`` is bwrap's option without dashes (``ro-bind``, ``tmpfs``...)."""

    kind: str
    target: str
    source: str = ""
    why: str = ""
    size_mb: int = 0  # a tmpfs's size
    perms: str = ""  # a tmpfs's or a folder's mode, octal


@dataclass(frozen=True)
class Sandbox:
    """What a kernel sees and may do: the whole boundary in one value."""

    mounts: tuple
    environment: dict
    workdir: str
    process_limit: int = PROCESS_LIMIT
    file_limit_mb: int = FILE_LIMIT_MB
    uid: int = 0  # 0: the kernel keeps the grader's user, in a user namespace of its own
    python: str = sys.executable
    project: Path = field(default=Path(__file__).resolve().parent.parent)


def describe(submission, ipc_dir, workdir_name="work", uid=None, environ=None, packages=None):
    """The sandbox for one notebook.

    ``submission`` is a host folder holding a copy of the notebook's folder,
    ``ipc_dir`` the host folder of the kernel's connection file and sockets,
    ``workdir_name`` the working directory's name under the sandbox's home
    (the notebook's folder's name, so that the lesson's relative paths work).
    ``uid`` (default: chosen when the grader is root, else none) is the user
    the kernel runs as; ``environ`` (default ``os.environ``) supplies the
    variables passed on. ``packages`` is the folder whose ``autograder/`` and
    ``dae_reference/`` the kernel sees, at the project's paths: the student
    edition (``autograder.grading_tree``); by default the project's own.
    """
    environ = os.environ if environ is None else environ
    if uid is None:
        uid = UID_BASE + os.getpid() if os.geteuid() == 0 else 0
    project = Path(__file__).resolve().parent.parent
    home_perms = "1777" if uid else "0755"  # created by root when the grader is root: open to the kernel's user
    mounts = [
        *_system_mounts(),
        *[Mount("ro-bind", path, path, "what programs need from /etc: the linker's cache, user names, time zone")
          for path in SYSTEM_FILES if os.path.exists(path)],
        Mount("ro-bind", sys.base_prefix, sys.base_prefix, "the Python installation, read-only"),
        *([Mount("ro-bind", sys.prefix, sys.prefix, "the course's virtual environment (its packages), read-only")]
          if sys.prefix != sys.base_prefix else []),
        *[Mount("ro-bind", str(project / name), str(Path(packages or project) / name),
                "the course's code, the student edition when grading: the lessons import it; no hidden checks, "
                "no answers") for name in PROJECT_PACKAGES],
        *([Mount("ro-bind", environ["DAE_DATA_DIR"], environ["DAE_DATA_DIR"], "Fashion-MNIST where $DAE_DATA_DIR says")]
          if environ.get("DAE_DATA_DIR") and os.path.isdir(environ["DAE_DATA_DIR"]) else []),
        Mount("proc", "/proc", why="a /proc of its own PID namespace: its own processes only"),
        Mount("dev", "/dev", why="a minimal /dev: null, zero, random, urandom, tty; no devices of the host"),
        Mount("tmpfs", "/dev/shm", why="shared memory, private and size-limited", size_mb=SCRATCH_MB, perms="1777"),
        Mount("tmpfs", "/tmp", why="a private /tmp, size-limited", size_mb=SCRATCH_MB, perms="1777"),
        Mount("tmpfs", HOME, why="its home, size-limited; the working directory is made in it", size_mb=SCRATCH_MB,
              perms=home_perms),
        Mount("ro-bind", SUBMISSION, str(submission), "a copy of the notebook's folder, copied into the working directory"),
        Mount("bind", str(ipc_dir), str(ipc_dir), "the kernel's connection file and socket files: its only channel"),
    ]
    environment = {
        "HOME": HOME, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONPATH": str(project),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        **{name: environ[name] for name in PASSED_VARIABLES if name in environ},
    }
    return Sandbox(mounts=tuple(mounts), environment=environment, workdir=f"{HOME}/{workdir_name}", uid=uid)


def _system_mounts():
    """/usr read-only, and /bin, /lib, /lib64, /sbin as the host has them: links into /usr, or folders."""
    mounts = [Mount("ro-bind", "/usr", "/usr", "the system's programs and libraries, read-only")]
    for path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(path):
            mounts.append(Mount("symlink", path, os.readlink(path), "as on the host (merged /usr)"))
        elif os.path.isdir(path):
            mounts.append(Mount("ro-bind", path, path, "the system's programs and libraries, read-only"))
    return mounts


def arguments(sandbox, command):
    """The ``bwrap`` command line that runs ``command`` (a list) in ``sandbox``."""
    if sandbox.uid:  # the grader is root: bwrap runs privileged, without a user namespace; enter() changes user
        args = [BWRAP, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args = [BWRAP, "--unshare-all"]  # user, PID, network, IPC, UTS and cgroup namespaces of its own
    args += ["--die-with-parent",  # the kernel and everything it started die with the grader
             "--new-session",  # no terminal to send keystrokes to
             "--hostname", "sandbox"]
    made = {"/"}
    for mount in sandbox.mounts:
        for parent in reversed(Path(mount.target).parents):  # bwrap would make them 0700 when it runs as root
            if str(parent) not in made:
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        made.add(mount.target)
        if mount.perms:
            args += ["--perms", mount.perms]
        if mount.size_mb:
            args += ["--size", str(mount.size_mb * 1024 * 1024)]
        if mount.kind in ("ro-bind", "bind"):
            args += [f"--{mount.kind}", mount.source, mount.target]
        elif mount.kind == "symlink":
            args += ["--symlink", mount.source, mount.target]
        else:
            args += [f"--{mount.kind}", mount.target]
    args += ["--clearenv"]
    for name, value in sandbox.environment.items():
        args += ["--setenv", name, value]
    args += ["--chdir", HOME,
             sandbox.python, "-I", str(sandbox.project / "autograder" / "sandbox.py"),
             "--processes", str(sandbox.process_limit), "--file-mb", str(sandbox.file_limit_mb),
             "--uid", str(sandbox.uid), "--copy", SUBMISSION, sandbox.workdir, "--", *command]
    return args


def describe_lines(sandbox):
    """The mounts of ``sandbox``, one a line with its reason: what a reviewer reads."""
    return [f"{m.kind:8} {m.target}" + (f" <- {m.source}" if m.source and m.source != m.target else "")
            + (f" ({m.size_mb} MB)" if m.size_mb else "") + f"  # {m.why}" for m in sandbox.mounts]


_probed = {}


def probe():
    """None if a sandbox can be made here, else why not, in one line. Runs bwrap once per process."""
    if "result" not in _probed:
        _probed["result"] = _probe()
    return _probed["result"]


def _probe():
    if not shutil.which(BWRAP):
        return "bubblewrap (bwrap) is not installed: run `make setup` (Debian's package bubblewrap)"
    if os.geteuid() == 0:
        args = [BWRAP, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    else:
        args = [BWRAP, "--unshare-all"]
    args += ["--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap cannot start: {error}"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return f"bubblewrap cannot make a sandbox here ({reason}); are unprivileged user namespaces disabled?"
    return None


# Inside the sandbox ------------------------------------------------------------


def enter(argv=None):
    """The first program in the sandbox: set the limits, change user if asked, copy the notebook's folder, run the kernel."""
    import resource

    parser = argparse.ArgumentParser(prog="sandbox.py")
    parser.add_argument("--processes", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    parser.add_argument("--uid", type=int, default=0)
    parser.add_argument("--copy", nargs=2, metavar=("FROM", "TO"), required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.uid:
        os.setgroups([])
        os.setresgid(args.uid, args.uid, args.uid)
        os.setresuid(args.uid, args.uid, args.uid)  # drops every capability
    ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: no setuid program gives rights back
    resource.setrlimit(resource.RLIMIT_NPROC, (args.processes, args.processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    source, workdir = args.copy
    try:
        shutil.copytree(source, workdir, symlinks=True, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:  # more than the home holds: the kernel starts with what was copied
        print(f"sandbox: the notebook's folder was not copied whole: {str(error)[:200]}", file=sys.stderr)
    os.chdir(workdir)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    os.execv(command[0], command)


if __name__ == "__main__":
    enter()
