"""`python -m bench.grad_cam_coverage`: on how many held-out digits Grad-CAM for the true class is zero everywhere.

Grad-CAM keeps only positive evidence (ReLU of Σ αₖAᵏ on the rectified maps): where no map raises the
class's score the whole map is 0. This counts such digits per shipped CNN and layer, and the digits
whose rectified feature maps themselves are all zero, on the 2,000 held-out digits.
"""

from __future__ import annotations

import torch

from core.data import bundled_split
from core.explain import grad_cam
from core.models import load_shipped

MODELS = ("cnn", "cnn_robust")


def main() -> None:
    split = bundled_split()
    images = torch.tensor(split.test_images).unsqueeze(1)
    for key in MODELS:
        model = load_shipped(key)
        with torch.no_grad():
            maps = model.feature_maps(images)
        for layer in model.gradcam_layers:
            empty = sum(
                not grad_cam(model, image, int(label), layer).coarse.any()
                for image, label in zip(split.test_images, split.test_labels)
            )
            silent = int((maps[layer].flatten(1).abs().sum(1) == 0).sum())
            print(f"{key} {layer}: Grad-CAM zero everywhere on {empty} of {len(images)} digits; "
                  f"rectified maps all zero on {silent}")


if __name__ == "__main__":
    main()
