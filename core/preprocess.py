"""A drawing or an uploaded picture → the MNIST-style 28×28 tensor, with every stage kept for display.

MNIST digits are white ink on black, their bounding box scaled to fit 20×20 (aspect kept), then
placed in 28×28 with the centre of mass at the centre. The stages here, each one switchable off:

raw (RGBA as drawn or uploaded) → ink (white on black, in [0, 1]) → crop (the ink's bounding
box) → fitted (longer side 20) → placed (28×28, centre of mass at the centre) → tensor.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = 28
FIT = 20
CENTRE = (SIZE - 1) / 2  # 13.5: the centre of the 28×28 field in pixel-index coordinates
INK_THRESHOLD = 0.1  # a pixel with at least this much ink belongs to the digit's bounding box
MIN_INK_PIXELS = 4  # fewer inked pixels than this is a blank input
TINY_MARK = 0.08  # a bounding box whose longer side is under this share of the picture is a dot
DENSE_INK = 0.7  # ink over this share of the square on the box's longer side is a scribble (digits: ≤ 0.63)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_PIXELS = 24_000_000  # e.g. 6000×4000; anything larger is refused before decoding
MIN_UPLOAD_SIDE = 8
WORKING_SIDE = 560  # photos are reduced to at most this many pixels on their longer side
ACCEPTED_FORMATS = ("PNG", "JPEG")


@dataclass(frozen=True)
class Steps:
    """Which preprocessing steps run; each can be switched off to show what it is for."""

    ink: bool = True  # dark-on-light → white on black, background removed
    crop: bool = True  # cut to the ink's bounding box
    fit: bool = True  # scale the longer side to 20 pixels, keeping the aspect
    centre: bool = True  # centre of mass at the centre (off: the box's middle at the centre)


ALL_STEPS = Steps()


@dataclass
class Preprocessed:
    """Every stage of one input; `tensor` is None when there is no ink at all (a blank input)."""

    raw: np.ndarray  # (H, W, 4) uint8 RGBA
    ink: np.ndarray  # (H, W) float32 in [0, 1], white ink on black
    steps: Steps
    box: tuple[int, int, int, int] | None = None  # top, left, bottom, right (exclusive) in ink pixels
    crop: np.ndarray | None = None
    fitted: np.ndarray | None = None
    placed: np.ndarray | None = None
    tensor: np.ndarray | None = None  # (28, 28) float32 in [0, 1]: exactly what the model sees
    flags: tuple[str, ...] = field(default_factory=tuple)  # "tiny" (a dot) and/or "dense" (a scribble)

    @property
    def blank(self) -> bool:
        return self.tensor is None


class UploadError(ValueError):
    """An upload that cannot be used; `reason` names which check failed (for the message)."""

    def __init__(self, reason: str, **details: object):
        super().__init__(reason)
        self.reason = reason
        self.details = details


# ---------------------------------------------------------------- stages


def luminance(rgba: np.ndarray) -> np.ndarray:
    """Grey level in [0, 1] of an RGBA picture composited onto white (transparent = white paper)."""
    rgb = rgba[..., :3].astype(np.float32) / 255.0
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0 if rgba.shape[-1] == 4 else 1.0
    grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return (grey * alpha[..., 0] + (1.0 - alpha[..., 0])) if rgba.shape[-1] == 4 else grey


def canvas_ink(rgba: np.ndarray) -> np.ndarray:
    """Ink of a dark-on-light drawing: 1 − grey level, so strokes are white on black."""
    return (1.0 - luminance(rgba)).astype(np.float32)


def bounding_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """Top, left, bottom, right (exclusive) of the pixels with ink ≥ threshold; None if there are none."""
    rows = np.flatnonzero((ink >= threshold).any(axis=1))
    cols = np.flatnonzero((ink >= threshold).any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize of a float image (Pillow's Lanczos filter), clipped to [0, 1]."""
    if image.shape == (height, width):
        return image.astype(np.float32)
    picture = Image.fromarray(image.astype(np.float32))
    resized = picture.resize((width, height), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def fit_into(crop: np.ndarray, side: int = FIT) -> np.ndarray:
    """Scale so the longer side is `side` pixels, keeping the aspect (the shorter side at least 1)."""
    height, width = crop.shape
    scale = side / max(height, width)
    return resize(crop, max(1, round(height * scale)), max(1, round(width * scale)))


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted centre in pixel-index coordinates."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def paste(field_: np.ndarray, patch: np.ndarray, top: int, left: int, weight: float = 1.0) -> None:
    """Add weight·patch into field_ with its top-left corner at (top, left), clipping at the edges."""
    height, width = field_.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + patch.shape[0], height), min(left + patch.shape[1], width)
    if r0 < r1 and c0 < c1:
        field_[r0:r1, c0:c1] += weight * patch[r0 - top : r1 - top, c0 - left : c1 - left]


def place(patch: np.ndarray, top: float, left: float, size: int = SIZE) -> np.ndarray:
    """The patch in a size×size black field at a fractional offset (bilinear, so mass and centroid move exactly)."""
    placed = np.zeros((size, size), dtype=np.float32)
    row, col = int(np.floor(top)), int(np.floor(left))
    down, right = top - row, left - col
    for d_row, w_row in ((0, 1.0 - down), (1, down)):
        for d_col, w_col in ((0, 1.0 - right), (1, right)):
            if w_row * w_col > 0:
                paste(placed, patch, row + d_row, col + d_col, w_row * w_col)
    return placed


def place_centred(patch: np.ndarray, by_mass: bool) -> np.ndarray:
    """Place in 28×28: centre of mass at (13.5, 13.5), or else the patch's own middle there."""
    if by_mass:
        row, col = centre_of_mass(patch)
    else:
        row, col = (patch.shape[0] - 1) / 2, (patch.shape[1] - 1) / 2
    return place(patch, CENTRE - row, CENTRE - col)


def input_flags(ink: np.ndarray, box: tuple[int, int, int, int], tensor: np.ndarray) -> tuple[str, ...]:
    """Why a prediction should not be trusted whatever its confidence: a dot, or a dense scribble.

    A dot is only "tiny": blown up to fill the box it is a solid blob, which says nothing of scribbling.
    """
    top, left, bottom, right = box
    if max(bottom - top, right - left) < TINY_MARK * min(ink.shape):
        return ("tiny",)
    if float(tensor.sum()) > DENSE_INK * FIT * FIT:
        return ("dense",)
    return ()


def from_ink(
    raw: np.ndarray, ink: np.ndarray, steps: Steps = ALL_STEPS, values: np.ndarray | None = None
) -> Preprocessed:
    """Run crop → fit → place on an ink map; `values` replaces the ink's pixel values (the ink step off)."""
    ink = np.clip(ink, 0.0, 1.0).astype(np.float32)
    shown = ink if values is None else np.clip(values, 0.0, 1.0).astype(np.float32)
    result = Preprocessed(raw=raw, ink=shown, steps=steps)
    box = bounding_box(ink)
    if box is None or int((ink >= INK_THRESHOLD).sum()) < MIN_INK_PIXELS:
        return result
    top, left, bottom, right = box
    result.box = box
    result.crop = shown[top:bottom, left:right] if steps.crop else shown
    if steps.fit:
        result.fitted = fit_into(result.crop)
    else:
        scale = SIZE / max(shown.shape)
        height, width = result.crop.shape
        result.fitted = resize(result.crop, max(1, round(height * scale)), max(1, round(width * scale)))
    result.placed = place_centred(result.fitted, by_mass=steps.centre)
    result.tensor = np.clip(result.placed, 0.0, 1.0).astype(np.float32)
    result.flags = input_flags(ink, box, result.tensor)
    return result


def preprocess_drawing(rgba: np.ndarray, steps: Steps = ALL_STEPS) -> Preprocessed:
    """A canvas drawing (dark strokes on a light or transparent background) → every stage."""
    rgba = as_rgba(rgba)
    ink = canvas_ink(rgba)
    return from_ink(rgba, ink, steps, values=None if steps.ink else luminance(rgba))


def as_rgba(image: np.ndarray) -> np.ndarray:
    """An (H, W), (H, W, 3) or (H, W, 4) uint8 array as (H, W, 4) RGBA."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected an RGB or RGBA picture, got shape {image.shape}")
    if image.shape[2] == 3:
        image = np.concatenate([image, np.full(image.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return image


# ---------------------------------------------------------------- photos and uploads


def otsu_threshold(values: np.ndarray, bins: int = 256) -> float:
    """The threshold that best separates values in [0, 1] into two classes (Otsu's method)."""
    histogram, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    weights = histogram.astype(np.float64) / max(histogram.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    below = np.cumsum(weights)
    mass_below = np.cumsum(weights * centres)
    mean = mass_below[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean * below - mass_below) ** 2 / (below * (1.0 - below))
    between = np.nan_to_num(between, nan=0.0, posinf=0.0)
    return float(edges[int(np.argmax(between)) + 1])


def border(values: np.ndarray) -> np.ndarray:
    """The pixels of the outer ring (about 5% of each side, at least one pixel)."""
    depth_r, depth_c = max(1, values.shape[0] // 20), max(1, values.shape[1] // 20)
    mask = np.zeros(values.shape, dtype=bool)
    mask[:depth_r], mask[-depth_r:], mask[:, :depth_c], mask[:, -depth_c:] = True, True, True, True
    return values[mask]


def smooth_background(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A quadratic surface fitted to the pixels in mask: the paper under uneven light."""
    rows, cols = np.indices(values.shape, dtype=np.float64)
    rows, cols = rows / max(values.shape[0] - 1, 1), cols / max(values.shape[1] - 1, 1)
    terms = np.stack([np.ones_like(rows), rows, cols, rows * rows, rows * cols, cols * cols], axis=-1)
    picked = np.flatnonzero(mask.ravel())
    if picked.size < 12:
        return np.full(values.shape, float(np.median(values)), dtype=np.float32)
    picked = picked[:: max(1, picked.size // 20000)]
    design = terms.reshape(-1, 6)[picked]
    coefficients, *_ = np.linalg.lstsq(design, values.ravel()[picked].astype(np.float64), rcond=None)
    return (terms @ coefficients).astype(np.float32)


def photo_ink(grey: np.ndarray) -> np.ndarray:
    """Ink of a photographed or scanned digit: dark-on-light is inverted, the background removed.

    The paper is whichever polarity the border shows; its shading is a quadratic surface fitted
    to the pixels Otsu's threshold calls background; what stands out from it is rescaled to [0, 1].
    """
    inverted = 1.0 - grey if float(np.median(border(grey))) > 0.5 else grey.copy()
    first = otsu_threshold(inverted)
    background = smooth_background(inverted, inverted < first)
    standing_out = np.clip(inverted - background, 0.0, 1.0)
    strongest = float(np.percentile(standing_out, 99.5))
    if strongest < 0.1:
        return np.zeros_like(standing_out, dtype=np.float32)
    cut = otsu_threshold(standing_out / strongest) * strongest / 2
    ink_values = standing_out[standing_out > cut]
    top = float(np.percentile(ink_values, 95)) if ink_values.size else strongest
    return np.clip((standing_out - cut) / max(top - cut, 1e-6), 0.0, 1.0).astype(np.float32)


def png_bit_depth(data: bytes) -> int | None:
    """The bit depth in a PNG's header (IHDR), or None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 33 and data[12:16] == b"IHDR":
        return data[24]
    return None


def has_transparency(picture: Image.Image) -> bool:
    """True if any pixel is not fully opaque (alpha channel or a transparent palette entry)."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        alpha = picture.convert("RGBA").getchannel("A")
        return alpha.getextrema()[0] < 255
    return False


def open_upload(data: bytes) -> Image.Image:
    """Decode and check an upload; raise UploadError with a reason for anything unusable."""
    if not data:
        raise UploadError("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("too_large_bytes", megabytes=len(data) / 2**20, limit=MAX_UPLOAD_BYTES // 2**20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data))
        except UnidentifiedImageError as error:
            raise UploadError("not_an_image") from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadError("too_many_pixels", limit=MAX_UPLOAD_PIXELS / 1e6) from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            raise UploadError("corrupt") from error
        if picture.format not in ACCEPTED_FORMATS:
            raise UploadError("wrong_format", format=picture.format or "?")
        width, height = picture.size
        if width * height > MAX_UPLOAD_PIXELS:
            raise UploadError("too_many_pixels", width=width, height=height, limit=MAX_UPLOAD_PIXELS / 1e6)
        if min(width, height) < MIN_UPLOAD_SIDE:
            raise UploadError("too_small", width=width, height=height, minimum=MIN_UPLOAD_SIDE)
        if getattr(picture, "is_animated", False) or getattr(picture, "n_frames", 1) > 1:
            raise UploadError("animated")
        if png_bit_depth(data) == 16 or picture.mode.startswith("I") or picture.mode == "F":
            raise UploadError("sixteen_bit")
        try:
            if picture.format == "JPEG":
                picture.draft("RGB", (WORKING_SIDE, WORKING_SIDE))
            picture.load()
            picture = ImageOps.exif_transpose(picture)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadError("too_many_pixels", limit=MAX_UPLOAD_PIXELS / 1e6) from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as error:
            raise UploadError("corrupt") from error
    if has_transparency(picture):
        raise UploadError("transparent")
    return picture


def preprocess_upload(data: bytes, steps: Steps = ALL_STEPS) -> Preprocessed:
    """An uploaded PNG or JPEG (e.g. a photo of a digit on paper) → every stage; raises UploadError."""
    picture = open_upload(data)
    picture = picture.convert("RGB")
    if max(picture.size) > WORKING_SIDE:
        picture.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.LANCZOS)
    raw = as_rgba(np.asarray(picture))
    grey = luminance(raw)
    ink = photo_ink(grey)
    return from_ink(raw, ink, steps, values=None if steps.ink else grey)
