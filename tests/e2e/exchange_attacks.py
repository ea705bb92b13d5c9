"""Student A against student B's work on the exchange server: every way in that a student has, tried and recorded.

A student has a terminal in their own server, so they can run nbgrader's
commands with any environment (``JUPYTERHUB_USER`` set to another student's
name) and send any HTTP request with the hub token their server holds. The
exchange server, ngshare, files and serves work by the user whose token came
with a request, as the hub names them; this module tries each way and records
what happened, and ``b_holdings`` takes a checksum of everything the exchange
holds of a student (submissions and feedback), as its admin sees it.
"""

import base64
import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass

from autograder.course import COURSE_ID


@dataclass
class Attempt:
    """One thing the attacker tried, and what came of it."""

    way: str  # "nbgrader" or "HTTP"
    what: str
    outcome: str  # the exchange's answer, in its own words where it gave some
    refused: bool  # B's work was neither read, changed nor replaced (a hand-in filed under A counts as refused)

    def line(self):
        verdict = "kept out" if self.refused else "GOT THROUGH"
        return f"[{self.way}] {self.what}: {verdict}: {self.outcome}"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def holdings(hub, lesson, student):
    """``{(submission timestamp, "submission"|"feedback", path): sha256}`` of all the exchange holds of ``student``."""
    held = {}
    base = f"{COURSE_ID}/{lesson}/{student}"
    for submission in hub.ngshare_as_driver("GET", f"submissions/{base}")["submissions"]:
        stamp = submission["timestamp"]
        files = hub.ngshare_as_driver("GET", f"submission/{base}", params={"timestamp": stamp})["files"]
        feedback = hub.ngshare_as_driver("GET", f"feedback/{base}", params={"timestamp": stamp})["files"]
        for kind, listed in (("submission", files), ("feedback", feedback)):
            for entry in listed:
                held[(stamp, kind, entry["path"])] = sha256(base64.decodebytes(entry["content"].encode()))
    return held


def home_checksums(home):
    """The sha256 of every file under a user's home."""
    return {sha256(path.read_bytes()) for path in home.rglob("*") if path.is_file()}


def answer_of(response):
    """ngshare's answer in a few words: the status and its message."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code, False, f"HTTP {response.status_code}, not JSON"
    message = body.get("message", "") if isinstance(body, dict) else ""
    success = isinstance(body, dict) and body.get("success") is True
    return response.status_code, success, f"HTTP {response.status_code} {message}".strip()


def http_attacks(hub, lesson, token, attacker, victim, victim_stamp):
    """Hand-made requests to ngshare (through the hub's proxy) with the attacker's token; each expected refused."""
    base = f"{COURSE_ID}/{lesson}"
    forged = json.dumps([{"path": f"{lesson}.html", "content": base64.encodebytes(b"forged feedback").decode()}])
    tries = [
        ("list every student's submissions", "GET", f"submissions/{base}", {}, token),
        (f"list {victim}'s submissions", "GET", f"submissions/{base}/{victim}", {}, token),
        (f"download {victim}'s submission", "GET", f"submission/{base}/{victim}", {"params": {"timestamp": victim_stamp}}, token),
        (f"download {victim}'s feedback", "GET", f"feedback/{base}/{victim}", {"params": {"timestamp": victim_stamp}}, token),
        (f"overwrite {victim}'s feedback", "POST", f"feedback/{base}/{victim}",
         {"data": {"timestamp": victim_stamp, "files": forged}}, token),
        (f"remove {victim} from the course", "DELETE", f"student/{COURSE_ID}/{victim}", {}, token),
        ("make oneself an instructor", "POST", f"instructor/{COURSE_ID}/{attacker}", {}, token),
        ("list the class", "GET", f"students/{COURSE_ID}", {}, token),
        ("dump the exchange's database", "GET", "initialize-Data6ase", {"params": {"action": "dump"}}, token),
        (f"download {victim}'s submission with no token", "GET", f"submission/{base}/{victim}", {}, None),
        (f"download {victim}'s submission with a made-up token", "GET", f"submission/{base}/{victim}", {}, "0" * 32),
    ]
    attempts = []
    for what, method, path, kwargs, with_token in tries:
        _, success, outcome = answer_of(hub.ngshare(method, path, with_token, **kwargs))
        attempts.append(Attempt("HTTP", f"{method} /services/ngshare/{path}: {what}", outcome, not success))
    return attempts


def forged_submission(hub, lesson, token, attacker, victim):
    """A submission posted with the attacker's token that names the victim as its user (the field ngshare-exchange
    sends): ngshare must file it under the attacker. Returns the attempt and the timestamp ngshare gave it."""
    files = json.dumps([{"path": f"{lesson}.ipynb", "content": base64.encodebytes(b'{"forged": true}').decode()}])
    response = hub.ngshare("POST", f"submission/{COURSE_ID}/{lesson}", token, data={"user": victim, "files": files})
    _, success, outcome = answer_of(response)
    return (response.json()["timestamp"] if success else None), outcome


def nbgrader_as(env, cwd, args):
    """Run ``nbgrader ARGS`` in the attacker's environment; returns (exit status, its first error in its own words).

    nbgrader runs from the servers' Python (as the server's own terminal would find it), and must have read the
    exchange's configuration: an attempt that never reached the exchange server would prove nothing.
    """
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    words = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert not any("Exception while loading config file" in line for line in words), "\n".join(words[-30:])
    errors = [line for line in words if ("ERROR" in line or "CRITICAL" in line) and not line.endswith(" failed")]
    errors += [line for line in words if "Error:" in line]  # the exception, where nbgrader shows a traceback
    return done.returncode, (errors or words or [""])[0][:300]
