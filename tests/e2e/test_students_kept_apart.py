"""Students kept apart by the exchange server: student A against student B's submission and feedback, on the hub.

After the whole cycle of lesson 2 (test_hub_cycle.py), student1 (A) tries to
list, fetch and overwrite the work of student2 (B) every way a student can:
nbgrader's own commands run from A's environment with ``JUPYTERHUB_USER=B``,
as A would in a terminal of their server, and hand-made HTTP requests to
ngshare with the hub token A's server holds. Every attempt is refused or
filed under A; B's submission and feedback on the exchange keep their
checksums; nothing of B's reaches A's home; the instructor still collects
both. Each attempt and its outcome is printed at the end of the run
("exchange attacks"). The file runs after test_hub_cycle.py (pytest takes
them in name order): the attacker's forged hand-ins become their latest
submission, which the instructor's last collect here picks up.
"""

import pytest

from autograder.course import COURSE_ID
from tests.e2e.conftest import LESSON, attack_log
from tests.e2e.course_cycle import formgrader
from tests.e2e.exchange_attacks import (Attempt, forged_submission, holdings, home_checksums, http_attacks,
                                        nbgrader_as, sha256)
from tests.e2e.hub import INSTRUCTOR, STUDENTS, process_environment

pytestmark = pytest.mark.e2e

ATTACKER, VICTIM = STUDENTS


@pytest.fixture(scope="module")
def attack(hub, cycle):
    """Run every attempt once; return what the exchange held of B before and after, and the attempts."""
    before = holdings(hub, LESSON, VICTIM)
    assert any(kind == "feedback" for _, kind, _ in before), f"{VICTIM} has no feedback to attack: {before}"
    victim_stamp = max(stamp for stamp, _, _ in before)
    attacker_home = hub.folders.home(ATTACKER)
    attacker_home_before = home_checksums(attacker_home)
    attacker_stamps_before = {s for s, _, _ in holdings(hub, LESSON, ATTACKER)}
    token = hub.server_token(ATTACKER)
    attempts = nbgrader_attacks(hub, attacker_home)
    attempts += http_attacks(hub, LESSON, token, ATTACKER, VICTIM, victim_stamp)
    stamp, outcome = forged_submission(hub, LESSON, token, ATTACKER, VICTIM)
    attacker_stamps_after = {s for s, _, _ in holdings(hub, LESSON, ATTACKER)}
    filed_under_attacker = stamp in attacker_stamps_after
    attempts.append(Attempt("HTTP", f"POST /services/ngshare/submission/{COURSE_ID}/{LESSON} with user={VICTIM}: "
                            "hand in as B", f"{outcome}; filed under {ATTACKER if filed_under_attacker else '?'}",
                            filed_under_attacker))
    after = holdings(hub, LESSON, VICTIM)
    attack_log.extend(attempt.line() for attempt in attempts)
    attack_log.append(f"{VICTIM}'s files on the exchange: {len(before)} before, {len(after)} after, "
                      f"checksums {'unchanged' if before == after else 'CHANGED'}")
    return {"before": before, "after": after, "attempts": attempts,
            "attacker_home": attacker_home, "attacker_home_before": attacker_home_before,
            "attacker_new_submissions": attacker_stamps_after - attacker_stamps_before, "forged_stamp": stamp}


def nbgrader_attacks(hub, attacker_home):
    """nbgrader's commands from A's server environment with ``JUPYTERHUB_USER`` set to B.

    nbgrader may log an error and still exit 0, so each attempt is judged on what it did: it is refused when
    B's holdings on the exchange are unchanged and no file of B's has appeared in A's home.
    """
    env = process_environment(hub.singleuser_processes()[ATTACKER])
    env["JUPYTERHUB_USER"] = VICTIM
    victim_before = holdings(hub, LESSON, VICTIM)
    victim_stamp = max(stamp for stamp, _, _ in victim_before)
    home_before = home_checksums(attacker_home)
    fake_course = attacker_home / "fake-course"  # where A would keep the instructor's folders
    forged_feedback = fake_course / "feedback" / VICTIM / LESSON / f"{LESSON}.html"
    forged_feedback.parent.mkdir(parents=True)
    forged_feedback.write_text("<p>forged feedback</p>")
    # the timestamp of B's latest hand-in, as if A had guessed it: the best chance this attempt can have
    (forged_feedback.parent / "timestamp.txt").write_text(victim_stamp)
    course = [f"--course={COURSE_ID}"]
    instructor_side = [*course, f"--CourseDirectory.root={fake_course}"]
    tries = [
        ("nbgrader list --inbound: list the submissions", ["list", "--inbound", *course]),
        ("nbgrader fetch_feedback: fetch B's feedback", ["fetch_feedback", LESSON, *course]),
        ("nbgrader collect: collect B's submission", ["collect", LESSON, f"--student={VICTIM}", *instructor_side]),
        ("nbgrader release_feedback: overwrite B's feedback", ["release_feedback", LESSON, f"--student={VICTIM}", *instructor_side]),
        ("nbgrader submit: hand in as B", ["submit", LESSON, *course]),
    ]
    attempts = []
    for what, args in tries:
        attacker_stamps = {s for s, kind, _ in holdings(hub, LESSON, ATTACKER) if kind == "submission"}
        status, words = nbgrader_as(env, attacker_home, args)
        leaked = (home_checksums(attacker_home) - home_before) & set(victim_before.values())
        changed = holdings(hub, LESSON, VICTIM) != victim_before
        filed = {s for s, kind, _ in holdings(hub, LESSON, ATTACKER) if kind == "submission"} - attacker_stamps
        outcome = f"exit {status}: {words}" + ("; B's files CHANGED" if changed else "") + (
            f"; {len(leaked)} of B's files reached A's home" if leaked else "") + (
            f"; a new hand-in filed under {ATTACKER}" if filed else "")
        attempts.append(Attempt("nbgrader", f"JUPYTERHUB_USER={VICTIM} {what}", outcome, not (changed or leaked)))
    return attempts


def test_every_attempt_on_another_students_work_fails(attack):
    not_refused = [a.line() for a in attack["attempts"] if not a.refused]
    assert not not_refused, "\n".join(not_refused)


def test_the_victims_submission_and_feedback_keep_their_checksums(attack):
    assert attack["after"] == attack["before"]


def test_nothing_of_the_victims_reaches_the_attackers_home(attack):
    new_in_home = home_checksums(attack["attacker_home"]) - attack["attacker_home_before"]
    assert not (new_in_home & set(attack["before"].values()))
    assert not list((attack["attacker_home"] / "fake-course" / "submitted").rglob("*.ipynb")), "nbgrader collect collected"


def test_a_forged_hand_in_is_filed_under_the_attacker(attack):
    # the hand-made POST naming B as its user is accepted, as A's own hand-in; nbgrader submit with
    # JUPYTERHUB_USER=B either fails or lands as A's too (B's holdings are unchanged either way, above)
    assert attack["forged_stamp"] in attack["attacker_new_submissions"]
    assert len(attack["attacker_new_submissions"]) in (1, 2)


def test_the_instructor_still_collects_both_students(hub, attack):
    formgrader(hub.server(INSTRUCTOR), f"assignment/{LESSON}/collect")
    submitted = hub.folders.course / "submitted"
    assert {path.name for path in submitted.iterdir()} == set(STUDENTS)
    collected = submitted / VICTIM / LESSON / f"{LESSON}.ipynb"
    latest = max(stamp for stamp, _, _ in attack["before"])
    assert sha256(collected.read_bytes()) == attack["before"][(latest, "submission", f"{LESSON}.ipynb")]
