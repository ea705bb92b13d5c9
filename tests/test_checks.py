"""The autograder's checks: the reference passes, other correct styles pass, wrong answers and stubs lose points."""

import numpy as np
import pytest

from autograder import core
from dae_reference import audit, device, drift, evaluate, generation, linear, model, noise, probe, receptive, shift, train
from tests import graded
from tests.submissions import alternative

REFERENCE = {
    "mse": evaluate.mse,
    "compression_ratio": model.compression_ratio,
    "pca_reconstruct": linear.pca_reconstruct,
    "build_dense_autoencoder": model.build_dense_autoencoder,
    "error_curves": drift.error_curves,
    "add_gaussian_noise": noise.add_gaussian_noise,
    "add_masking_noise": noise.add_masking_noise,
    "add_salt_and_pepper_noise": noise.add_salt_and_pepper_noise,
    "psnr": evaluate.psnr,
    "clipped_noise_mean": noise.clipped_noise_mean,
    "conv2d_params": model.conv2d_params,
    "build_encoder": model.build_encoder,
    "build_decoder": model.build_decoder,
    "build_autoencoder": model.build_autoencoder,
    "receptive_field": receptive.receptive_field,
    "make_datasets": train.make_datasets,
    "train_autoencoder": train.train_autoencoder,
    "choose_precision": device.choose_precision,
    "regime_gap": train.regime_gap,
    "error_report": evaluate.error_report,
    "evaluate_denoiser": evaluate.evaluate_denoiser,
    "noise_robustness": evaluate.noise_robustness,
    "add_blind_noise": shift.add_blind_noise,
    "nearest_neighbor_distance": audit.nearest_neighbor_distance,
    "audit": audit.audit,
    "linear_probe": probe.linear_probe,
    "noise2noise_pairs": generation.noise2noise_pairs,
    "two_point_posterior_mean": generation.two_point_posterior_mean,
    "tweedie_score": generation.tweedie_score,
    "langevin_sample": generation.langevin_sample,
}
FUNCTION_EXERCISES = sorted(REFERENCE)
WRONG = graded.WRONG


def test_every_function_exercise_is_covered():
    core.load_all()
    assert set(core.EXERCISES) - {"training_result"} == set(REFERENCE)


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_reference_passes_every_part(name):
    # run_part, not grade: grade rightly gives no points for the reference itself
    for part in core.exercise(name).parts:
        result = core.run_part(part, REFERENCE[name])
        assert result.earned == part.points, f"{part.description}: {result.message}"


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_another_correct_style_gets_full_marks(name):
    results = graded.other_style(name).results
    assert sum(r.earned for r in results) == core.exercise(name).max_points, core.report(name, results)


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_wrong_answer_loses_points_with_a_hint(name):
    for index, mistake in enumerate(WRONG[name]):
        results = graded.mistake(name, index).results
        report = core.report(name, results)  # what grade() prints
        assert sum(r.earned for r in results) < core.exercise(name).max_points, report
        assert mistake.feedback in report, report


PUBLIC_MISTAKES = [(name, i) for name in FUNCTION_EXERCISES for i, m in enumerate(WRONG[name]) if m.public]


@pytest.mark.parametrize(("name", "index"), PUBLIC_MISTAKES)
def test_quick_check_catches_common_mistake(name, index):
    """The mistakes students make most fail the quick public checks already, with the hint that names them."""
    public = [r for r in graded.mistake(name, index).results if r.part.public]
    printed = "\n".join(core.format_result(r, show_points=False) for r in public)  # what check() prints
    assert any(r.earned < r.part.points for r in public), printed
    assert WRONG[name][index].feedback in printed, printed


def test_feedback_shows_no_hidden_expected_values():
    # The feedback is shown to the student: expected values written out there could be pasted back in.
    # A message may summarise an array (its mean); it must not list what is in it.
    lost_at_an_array = 0
    for name, answers in WRONG.items():
        for index in range(len(answers)):
            answer = graded.mistake(name, index)
            for result, compared_arrays, listed in zip(*answer):
                if result.part.public or not compared_arrays:
                    continue
                assert len(listed) < 2, f"{name}, {result.part.description}: {result.message}"
                lost_at_an_array += result.earned < result.part.points
    assert lost_at_an_array >= 5  # the wrong answers do reach array comparisons


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_stub_scores_zero_without_raising(name, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    assert core.grade(name, stub) == 0
    assert "NotImplementedError" in capsys.readouterr().out


def test_reference_implementation_earns_nothing(capsys):
    assert core.grade("mse", evaluate.mse) == 0
    assert "reference implementation" in capsys.readouterr().out


def test_a_function_calling_the_reference_earns_nothing(capsys):
    def mse(x, x_hat):
        from dae_reference.evaluate import mse as reference

        return reference(x, x_hat)

    assert core.grade("mse", mse) == 0
    assert "reference implementation" in capsys.readouterr().out


def test_sys_exit_in_an_answer_loses_the_part_only(capsys):
    def mse(x, x_hat):
        raise SystemExit(3)

    assert core.grade("mse", mse) == 0
    assert "sys.exit()" in capsys.readouterr().out


def test_check_prints_a_hint_and_raises_on_failure(capsys):
    with pytest.raises(core.QuickCheckFailed, match="conv2d_params: 1 of 1 quick checks failed; .*biases are missing"):
        core.check("conv2d_params", lambda k, c, f: k * k * c * f)
    out = capsys.readouterr().out
    assert "FAIL" in out and "biases are missing" in out


def test_check_leaves_its_work_to_the_graded_cell_while_autograding(capsys, monkeypatch):
    """Autograding runs every check in the graded cells; a quick check there would run the public ones twice."""
    called = []
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    core.check("conv2d_params", lambda k, c, f: called.append(1))
    assert not called and "left to the graded cell" in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")  # nbgrader's Validate names the failed checks
    with pytest.raises(core.QuickCheckFailed):
        core.check("conv2d_params", lambda k, c, f: called.append(1))
    assert called


def test_an_array_message_never_contradicts_itself():
    """Where the means agree, the message says so instead of "mean 0.5, expected 0.5"."""
    expected = np.linspace(0, 1, 101)
    with pytest.raises(core.Wrong) as failure:
        core.expect_close(expected[::-1], expected, "the output")
    assert str(failure.value).startswith("the output has the expected mean (0.5) but 100 of its 101 values differ")


def test_checks_do_not_write_to_stderr(capfd):
    """nbgrader scores a test cell that writes to stderr as zero."""
    core.grade("build_decoder", alternative.build_decoder)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("profile", ["smoke", "quick"])
def test_training_result_graded_against_measured_thresholds(profile, capsys):
    from autograder.course import load_thresholds
    from dae_reference.config import PROFILES

    limits = load_thresholds()[profile]
    epochs = PROFILES[profile].epochs
    good = {"loss": [0.5] * (epochs - 1) + [limits["loss_max"]], "val_loss": [0.5] * (epochs - 1) + [limits["val_loss_max"]]}
    assert core.grade("training_result", good, profile) == 3
    bad = {"loss": [0.5] * epochs, "val_loss": [0.5] * epochs}
    assert core.grade("training_result", bad, profile) == 1
    short = {"loss": [0.01], "val_loss": [0.01]}
    assert core.grade("training_result", short, profile) == 2


def test_grading_is_deterministic():
    """The same answers, graded three times, earn the same points part by part."""
    def all_points():
        return [[r.earned for r in core.run_parts(name, getattr(alternative, name))] for name in FUNCTION_EXERCISES]

    first = [[r.earned for r in graded.other_style(name).results] for name in FUNCTION_EXERCISES]
    for _ in range(2):
        assert all_points() == first


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_every_part_can_fail(name):
    """A check that cannot fail is a defect: each part fails for at least one wrong answer."""
    for i, part in enumerate(core.exercise(name).parts):
        assert any(graded.mistake(name, index).results[i].earned < part.points for index in range(len(WRONG[name]))), \
            part.description
