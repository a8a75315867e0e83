"""`python -m bench.robustness_curves`: time to compute the attack page's robustness curves.

The page computes them once per process for the standard and the adversarially trained CNN on
the 2,000 held-out digits (FGSM, PGD and Gaussian noise of the same L2 size at every ε of the
grid), with torch on all cores while it does. This runs the same computation in a fresh process,
with the same thread count unless --threads says otherwise, and prints the time and the headline
accuracies. Run by hand on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import time

import torch

from core.attacks import CURVE_EPSILONS, robustness_curves
from core.data import bundled_split
from core.models import load_shipped
from core.threads import all_cores

MODELS = ("cnn", "cnn_robust")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.robustness_curves", description=__doc__)
    parser.add_argument("--threads", type=int, default=all_cores(), help="torch threads (default: all, as the page)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    split = bundled_split()
    models = {key: load_shipped(key) for key in MODELS}
    print(f"torch threads: {torch.get_num_threads()}; ε grid: {', '.join(f'{e:.2f}' for e in CURVE_EPSILONS)}")
    total = 0.0
    for key, model in models.items():
        started = time.perf_counter()
        curves = robustness_curves(model, split.test_images, split.test_labels)
        elapsed = time.perf_counter() - started
        total += elapsed
        print(f"\n{key}: {elapsed:.2f} s ({curves.digits} digits; PGD: {curves.pgd_digits}, {curves.pgd_steps} steps)")
        print(f"{'ε':>6} {'FGSM':>8} {'PGD':>8} {'noise':>8}")
        for index, eps in enumerate(curves.epsilons):
            print(f"{eps:>6.2f} {curves.fgsm[index]:>8.1%} {curves.pgd[index]:>8.1%} {curves.noise[index]:>8.1%}")
    print(f"\ntotal: {total:.2f} s for both models")


if __name__ == "__main__":
    main()
