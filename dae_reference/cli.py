"""Command line: ``python -m dae_reference {train,evaluate,run,record} ...``.

    train      train the autoencoder, save model.keras, history.json, metrics.json
    evaluate   score a saved model against the noisy input and fair baselines, draw the figures
    run        train, then evaluate (the course's main job)
    record     re-run an experiment whose numbers a lesson quotes, into results/ (README, "Recorded results")

Every failure the user can fix (a bad argument, no data set, a broken model
file) ends with one line on stderr and a non-zero exit status.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from dae_reference.config import EVAL_NOISE_SEED, NOISE_REGIMES, PROFILES
from dae_reference.device import PRECISIONS
from dae_reference.quiet import silence_tensorflow

N_TUNE = 500  # held-out training images on which the baselines are tuned
HISTOGRAM_BEST_CLASSICAL = "total variation, corrected by a lookup fitted on training pairs"
ROBUSTNESS_SIGMAS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
SSIM_SETTINGS = "skimage.metrics.structural_similarity defaults: 7x7 uniform window, data_range=1, per 28x28 image"


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser():
    parser = OneLineParser(prog="python -m dae_reference", description="The reference denoising autoencoder.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    train = argparse.ArgumentParser(add_help=False)
    train.add_argument("--profile", choices=tuple(PROFILES),
                       help="smoke (seconds), quick (CPU minutes), full (the tutorial); "
                            "default: $DAE_PROFILE, else full on a GPU and quick on a CPU")
    train.add_argument("--noise", choices=NOISE_REGIMES, default="fresh",
                       help="fresh: new noise every epoch (default); fixed: noise drawn once, as the tutorial")
    train.add_argument("--epochs", type=positive_int, help="override the profile's number of epochs")
    train.add_argument("--seed", type=int, default=42, help="seed for weights, shuffling and noise (default 42)")
    train.add_argument("--precision", choices=PRECISIONS,
                       help="default: mixed_float16 on a GPU with tensor cores, else float32")
    train.add_argument("--out", type=Path, help="output folder (default runs/PROFILE)")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="folder with the Fashion-MNIST IDX files (searched first)")

    commands.add_parser("train", parents=[train, common], help="train and save the model")
    evaluate = commands.add_parser("evaluate", parents=[common], help="evaluate a saved model, draw figures")
    evaluate.add_argument("--model", type=Path, required=True, help="a model.keras written by train")
    evaluate.add_argument("--out", type=Path, help="output folder (default: the model's folder)")
    commands.add_parser("run", parents=[train, common], help="train, then evaluate")
    record = commands.add_parser("record", help="re-run an experiment a lesson quotes, into results/")
    record.add_argument("experiment", choices=tuple(RECORDS),
                        help="pca-vs-dense and identity-drift (lesson 1), noise-regimes (lesson 4), audit and probe (lesson 6), "
                             "noise2noise (lesson 7)")
    record.add_argument("--out", type=Path, help="the JSON file to write (default: the one in results/ the lesson reads)")
    return parser


# experiment -> (the file the lessons read, what writes it); each function takes the output path
RECORDS = {
    "pca-vs-dense": ("results/full/pca_vs_dense.json", "dae_reference.linear:record_pca_vs_dense"),
    "noise-regimes": ("results/quick/noise_regimes.json", "dae_reference.regimes:record_noise_regimes"),
    "audit": ("results/full/audit.json", "dae_reference.audit:record_audit"),
    "noise2noise": ("results/quick/noise2noise.json", "dae_reference.generation:record_noise2noise"),
    "long-walks": ("results/full/long_walks.json", "dae_reference.generation:record_long_walks"),
    "probe": ("results/full/probe.json", "dae_reference.probe:record_probe"),
    "identity-drift": ("results/quick/identity_drift.json", "dae_reference.drift:record_identity_drift"),
    "sigma-matrix": ("results/quick/sigma_matrix.json", "dae_reference.shift:record_sigma_matrix"),
}


def record_command(experiment, out):
    import importlib

    default, target = RECORDS[experiment]
    module, function = target.split(":")
    out = out or Path(default)
    out.parent.mkdir(parents=True, exist_ok=True)
    getattr(importlib.import_module(module), function)(out)
    print(f"wrote {out}")


def main(argv=None):
    sys.stdout.reconfigure(line_buffering=True)  # progress shows at once, also in a log file
    try:
        args = build_parser().parse_args(argv)
        silence_tensorflow()
        if args.command == "record":
            record_command(args.experiment, args.out)
        elif args.command in ("train", "run"):
            out = train_command(args)
            if args.command == "run":
                evaluate_command(out / "model.keras", out, args.data_dir)
        else:
            evaluate_command(args.model, args.out, args.data_dir)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # DatasetError, a bad model file, ...: one line, never a traceback
        from dae_reference.data import DatasetError

        if not isinstance(error, (DatasetError, ValueError, OSError)):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def train_command(args):
    from dae_reference.config import get_profile
    from dae_reference.data import hold_out, load_fashion_mnist
    from dae_reference.device import choose_precision, describe_device
    from dae_reference.train import save_run, train

    profile, reason = get_profile(args.profile)
    epochs = args.epochs or profile.epochs
    precision = args.precision or choose_precision()
    out = args.out or Path("runs") / profile.name
    others = ", ".join(f"--profile {name}" for name in PROFILES if name != profile.name)
    print(f"profile: {profile.name} ({reason}); other choices: {others}")
    print(f"device: {describe_device()}, precision: {precision}")
    data = load_fashion_mnist(args.data_dir)
    n_train, n_val = (len(x) for x in hold_out(data[0][0], profile.n_val, profile.n_train))
    print(f"training on {n_train:,} images ({n_val:,} more held out to validate) for {epochs} epoch{'s' if epochs != 1 else ''}, batch {profile.batch_size}, "
          f"{args.noise} noise (sigma {profile.sigma}), seed {args.seed}")

    verbose = 1 if sys.stdout.isatty() else 2  # a progress bar on a terminal, a line per epoch in a log
    model, history, info = train(profile, args.noise, args.seed, epochs, precision, data, verbose)
    save_run(model, history, info, out)
    print(f"final train MSE {info['final_train_mse']:.4f}, validation MSE {info['final_val_mse']:.4f} "
          f"in {info['train_seconds']:.0f} s ({info['ms_per_step']:.0f} ms/step); saved to {out}/")
    return out


def evaluate_command(model_path, out=None, data_dir=None):
    import numpy as np

    import matplotlib

    matplotlib.use("Agg")  # figures go to files only
    from dae_reference import evaluate, plots
    from dae_reference.data import load_fashion_mnist
    from dae_reference.device import describe_device
    from dae_reference.noise import add_gaussian_noise

    model_path = Path(model_path)
    out = Path(out) if out is not None else model_path.parent
    model = load_model(model_path)
    (x_train, _), (x_test, y_test) = load_fashion_mnist(data_dir)
    sigma = read_json(model_path.parent / "metrics.json").get("sigma", 0.5)
    x_noisy = add_gaussian_noise(x_test, sigma, seed=EVAL_NOISE_SEED)
    started = time.perf_counter()

    print(f"evaluating {model_path} on {len(x_test):,} test images (noise sigma {sigma}, seed {EVAL_NOISE_SEED})")
    # the baselines are fitted and tuned on training images, never on the test set
    baselines, settings = evaluate.fair_baselines(x_train, sigma, seed=EVAL_NOISE_SEED, n_tune=N_TUNE)
    denoisers = {"noisy input (no denoising)": lambda x: x, **baselines}
    denoisers["denoising autoencoder"] = lambda x: model.predict(x, batch_size=512, verbose=0)
    report, outputs = evaluate.compare_denoisers(denoisers, x_noisy, x_test, y_test, settings)

    print(f"\n{'method':66s} {'MSE':>8s} {'PSNR dB':>8s} {'SSIM':>6s}")
    for name, scores in report.items():
        print(f"{name:66s} {scores['mse']:8.4f} {scores['psnr']:8.2f} {scores['ssim']:6.3f}")
    robustness = robustness_report(model, x_test, evaluate)

    out.mkdir(parents=True, exist_ok=True)
    x_denoised = outputs["denoising autoencoder"]
    errors = {name: evaluate.reconstruction_errors(x_test, estimate) for name, estimate in outputs.items()}
    dae_errors = errors["denoising autoencoder"]
    plots.clean_vs_noisy(x_test, x_noisy, y_test, out / "fig1_clean_vs_noisy.png")
    history, trained = read_json(model_path.parent / "history.json"), read_json(model_path.parent / "metrics.json")
    if history:
        plots.loss_curves(history, out / "fig2_loss_curves.png", validated_on(trained))
    plots.denoising_examples(x_noisy, x_denoised, x_test, y_test, out / "fig3_denoised.png")
    shown = ["noisy input (no denoising)", "total variation", HISTOGRAM_BEST_CLASSICAL, "linear MMSE filter",
             "denoising autoencoder"]
    plots.error_histogram({name: errors[name] for name in shown}, out / "error_histogram.png")
    plots.worst_cases(x_noisy, x_denoised, x_test, y_test, dae_errors, path=out / "worst_cases.png")

    worst = np.argsort(dae_errors)[::-1][:10]
    summary = {"model": str(model_path), "n_test": len(x_test), "sigma": sigma, "noise_seed": EVAL_NOISE_SEED,
               "n_tune": N_TUNE, "ssim_settings": SSIM_SETTINGS, "methods": report, "robustness": robustness,
               "worst_test_indices": worst.tolist(), "seconds": round(time.perf_counter() - started, 1),
               "device": describe_device()}
    (out / "evaluation.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nwrote evaluation.json and figures to {out}/")
    return summary


def robustness_report(model, x_test, evaluate):
    """MSE of the noisy input and of the model's output at each of ``ROBUSTNESS_SIGMAS`` (noise seed 0)."""
    from dae_reference.noise import add_gaussian_noise

    noisy = [evaluate.mse(x_test, add_gaussian_noise(x_test, s, seed=0)) for s in ROBUSTNESS_SIGMAS]
    return {"sigmas": list(ROBUSTNESS_SIGMAS), "noisy input (no denoising)": noisy,
            "denoising autoencoder": evaluate.noise_robustness(model, x_test, ROBUSTNESS_SIGMAS, seed=0).tolist()}


def load_model(path):
    """Load a ``.keras`` file, turning every way it can be broken into one ``OSError``."""
    if not path.is_file():
        raise OSError(f"no model file at {path}; train one first with `python -m dae_reference train`")
    import keras

    try:
        return keras.models.load_model(path)
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise OSError(f"{path} is not a readable Keras model ({first_line})") from None


def validated_on(metrics):
    """Which images a recorded training validated on, by its ``metrics.json``: runs recorded before validation
    moved to images held out from the training set say nothing, and validated on the test images."""
    return metrics.get("validated_on", "the test images")


def read_json(path):
    """The parsed file, or ``{}`` when it is absent."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from None
