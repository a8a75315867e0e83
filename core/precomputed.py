"""Results shipped with the app because they are the same for everyone: the robustness curves of the two
shipped CNNs on the 2,000 held-out digits.

`python -m core.train` (and `--card-only`) writes them next to the weights, with the SHA-256 of the weight
file each was measured on; a file whose weights have changed since is not used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from core.attacks import RobustnessCurves
from core.models import MODELS_DIR, SHIPPED_MODELS

CURVES_FILE = MODELS_DIR / "robustness_curves.json"
CURVE_MODELS = ("cnn", "cnn_robust")


def weights_digest(key: str) -> str:
    return hashlib.sha256(SHIPPED_MODELS[key].path.read_bytes()).hexdigest()


def curves_to_json(curves: RobustnessCurves) -> dict:
    return {
        "epsilons": curves.epsilons.tolist(), "fgsm": curves.fgsm.tolist(), "pgd": curves.pgd.tolist(),
        "noise": curves.noise.tolist(), "digits": curves.digits, "pgd_digits": curves.pgd_digits,
        "pgd_steps": curves.pgd_steps,
    }


def curves_from_json(entry: dict) -> RobustnessCurves:
    arrays = {name: np.array(entry[name], dtype=np.float64) for name in ("epsilons", "fgsm", "pgd", "noise")}
    if len({len(values) for values in arrays.values()}) != 1:
        raise ValueError("the curves have different lengths")
    return RobustnessCurves(arrays["epsilons"], arrays["fgsm"], arrays["pgd"], arrays["noise"],
                            int(entry["digits"]), int(entry["pgd_digits"]), int(entry["pgd_steps"]))


def save_curves(curves: dict[str, RobustnessCurves], path: Path = CURVES_FILE) -> None:
    document = {key: {"weights_sha256": weights_digest(key), **curves_to_json(value)} for key, value in curves.items()}
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def load_curves(path: Path = CURVES_FILE) -> dict[str, RobustnessCurves] | None:
    """The shipped curves of both CNNs, or None when the file is missing, unreadable or for other weights."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if any(document[key]["weights_sha256"] != weights_digest(key) for key in CURVE_MODELS):
            return None
        return {key: curves_from_json(document[key]) for key in CURVE_MODELS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
