"""The drawing/upload preprocessing: MNIST geometry, blank input, and every bad upload."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core import preprocess
from core.preprocess import Steps, UploadError, preprocess_drawing, preprocess_upload


def canvas(size: int = 280) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    picture = Image.new("RGBA", (size, size), (255, 255, 255, 255))
    return picture, ImageDraw.Draw(picture)


def drawn_seven(offset: tuple[int, int] = (0, 0), scale: float = 1.0) -> np.ndarray:
    picture, pen = canvas()
    dx, dy = offset
    points = [(60, 50), (200, 50), (120, 230)]
    points = [(dx + 140 + (x - 140) * scale, dy + 140 + (y - 140) * scale) for x, y in points]
    pen.line(points, fill=(0, 0, 0, 255), width=max(2, int(18 * scale)), joint="curve")
    return np.asarray(picture)


def png_bytes(picture: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def jpeg_bytes(picture: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="JPEG", **options)
    return buffer.getvalue()


# ---------------------------------------------------------------- geometry


@pytest.mark.parametrize(("offset", "scale"), [((0, 0), 1.0), ((-70, 40), 0.45), ((50, -60), 0.6)])
def test_centre_of_mass_is_within_half_a_pixel_of_the_centre(offset, scale):
    result = preprocess_drawing(drawn_seven(offset, scale))
    row, col = preprocess.centre_of_mass(result.tensor)
    assert abs(row - preprocess.CENTRE) < 0.5
    assert abs(col - preprocess.CENTRE) < 0.5


def test_bounding_box_is_fitted_to_twenty_pixels_keeping_the_aspect():
    picture, pen = canvas()
    pen.rectangle((100, 40, 139, 239), fill=(0, 0, 0, 255))  # 40 wide, 200 tall: aspect 1:5
    result = preprocess_drawing(np.asarray(picture))
    assert result.box == (40, 100, 240, 140)
    assert result.crop.shape == (200, 40)
    assert result.fitted.shape == (20, 4)
    assert result.tensor.shape == (28, 28) and result.tensor.dtype == np.float32
    rows = np.flatnonzero(result.tensor.max(axis=1) > 0.5)
    cols = np.flatnonzero(result.tensor.max(axis=0) > 0.5)
    assert 19 <= rows[-1] - rows[0] + 1 <= 21
    assert 3 <= cols[-1] - cols[0] + 1 <= 5


def test_the_tensor_is_white_ink_on_black_in_the_unit_range():
    result = preprocess_drawing(drawn_seven())
    assert result.tensor.min() >= 0.0 and result.tensor.max() <= 1.0
    assert result.tensor.max() > 0.9
    assert result.tensor[0].max() == 0.0 and result.tensor[:, 0].max() == 0.0  # black border
    assert result.ink.max() > 0.99 and np.median(result.ink) == 0.0


def test_every_stage_is_kept():
    result = preprocess_drawing(drawn_seven())
    assert result.raw.shape == (280, 280, 4)
    assert result.ink.shape == (280, 280)
    assert max(result.fitted.shape) == 20
    assert result.placed.shape == (28, 28)
    np.testing.assert_array_equal(result.tensor, np.clip(result.placed, 0, 1))


def test_a_transparent_canvas_background_counts_as_paper():
    rgba = drawn_seven().copy()
    background = rgba[..., 0] == 255
    rgba[background] = (0, 0, 0, 0)  # transparent black, as an empty canvas without background colour
    result = preprocess_drawing(rgba)
    np.testing.assert_allclose(result.tensor, preprocess_drawing(drawn_seven()).tensor, atol=1e-6)


def test_placement_moves_mass_and_centroid_exactly():
    patch = np.zeros((5, 3), np.float32)
    patch[1, 2], patch[4, 0] = 1.0, 0.5
    placed = preprocess.place(patch, 10.3, 7.6)
    assert placed.sum() == pytest.approx(patch.sum())
    row, col = preprocess.centre_of_mass(patch)
    assert preprocess.centre_of_mass(placed) == pytest.approx((row + 10.3, col + 7.6))


# ---------------------------------------------------------------- switching steps off


def test_without_the_ink_step_the_model_sees_dark_ink_on_light():
    result = preprocess_drawing(drawn_seven(), Steps(ink=False))
    assert result.ink[0, 0] == pytest.approx(1.0)  # the paper stays white
    assert result.tensor[14, 14] > 0.5 or result.tensor.mean() > 0.3


def test_without_crop_and_fit_the_whole_canvas_is_scaled_down():
    small = drawn_seven((-70, -70), 0.4)
    result = preprocess_drawing(small, Steps(crop=False, fit=False))
    assert result.crop.shape == (280, 280)
    assert result.fitted.shape == (28, 28)
    full = preprocess_drawing(small)
    assert (result.tensor > 0.3).sum() < (full.tensor > 0.3).sum() / 2  # the digit stays small


def test_without_fit_the_crop_keeps_its_drawn_size():
    result = preprocess_drawing(drawn_seven(scale=0.5), Steps(fit=False))
    assert max(result.fitted.shape) < 20


def test_without_centre_of_mass_the_box_middle_is_centred():
    picture, pen = canvas()
    pen.rectangle((40, 40, 239, 79), fill=(0, 0, 0, 255))  # a heavy top bar
    pen.rectangle((40, 80, 59, 239), fill=(0, 0, 0, 255))  # a thin left leg
    geometric = preprocess_drawing(np.asarray(picture), Steps(centre=False))
    by_mass = preprocess_drawing(np.asarray(picture))
    rows = np.flatnonzero(geometric.tensor.max(axis=1) > 0.5)
    assert (rows[0] + rows[-1]) / 2 == pytest.approx(preprocess.CENTRE, abs=0.5)
    assert preprocess.centre_of_mass(by_mass.tensor) == pytest.approx((preprocess.CENTRE,) * 2, abs=0.5)
    assert preprocess.centre_of_mass(geometric.tensor)[0] < preprocess.CENTRE - 1


# ---------------------------------------------------------------- blank, dot, scribble


@pytest.mark.parametrize("background", [(255, 255, 255, 255), (0, 0, 0, 0), (255, 255, 255, 0)])
def test_blank_canvas_is_no_input(background):
    blank = np.zeros((280, 280, 4), np.uint8) + np.array(background, np.uint8)
    result = preprocess_drawing(blank)
    assert result.blank
    assert result.tensor is None and result.box is None


def test_a_dot_is_flagged_tiny():
    picture, pen = canvas()
    pen.ellipse((130, 130, 145, 145), fill=(0, 0, 0, 255))
    result = preprocess_drawing(np.asarray(picture))
    assert not result.blank
    assert result.flags == ("tiny",)  # not also a "scribble": the blown-up dot is solid, as any dot is


def test_a_scribble_is_flagged_dense():
    picture, pen = canvas()
    rng = np.random.default_rng(0)
    for _ in range(60):
        x0, y0, x1, y1 = rng.integers(60, 220, size=4)
        pen.line([(x0, y0), (x1, y1)], fill=(0, 0, 0, 255), width=20)
    result = preprocess_drawing(np.asarray(picture))
    assert "dense" in result.flags


def test_a_digit_is_not_flagged():
    assert preprocess_drawing(drawn_seven()).flags == ()


def test_held_out_digits_are_rarely_flagged():
    from core.data import bundled_split

    images = bundled_split().test_images[:300]
    flagged = 0
    for image in images:
        rgba = preprocess.as_rgba(np.rint(255 * (1 - image)))
        flagged += bool(preprocess_drawing(rgba).flags)
    assert flagged <= 3


# ---------------------------------------------------------------- uploads


def photo_of_seven(dark_on_light: bool = True, shading: bool = True) -> Image.Image:
    """A grey 'photo': paper with a gradient of light, a dark pencil 7, a little noise."""
    height, width = 300, 240
    rows, cols = np.indices((height, width))
    paper = 0.85 - (0.25 * cols / width + 0.1 * rows / height) * shading
    picture = Image.fromarray(np.uint8(255 * paper))
    pen = ImageDraw.Draw(picture)
    pen.line([(50, 60), (190, 60), (110, 250)], fill=35, width=14, joint="curve")
    grey = np.asarray(picture, dtype=np.float64)
    grey = grey + np.random.default_rng(1).normal(0, 4, grey.shape)
    if not dark_on_light:
        grey = 255 - grey
    return Image.fromarray(np.uint8(np.clip(grey, 0, 255))).convert("RGB")


@pytest.mark.parametrize("encode", [png_bytes, jpeg_bytes])
def test_photo_of_a_digit_on_paper_is_inverted_and_cleaned(encode):
    result = preprocess_upload(encode(photo_of_seven()))
    assert not result.blank
    assert result.ink[5, 5] == 0.0 and result.ink[5, -5] == 0.0  # the shaded paper is gone
    assert (result.ink > 0.5).mean() < 0.15
    assert preprocess.centre_of_mass(result.tensor) == pytest.approx((preprocess.CENTRE,) * 2, abs=0.5)
    drawn = preprocess_drawing(drawn_seven())
    assert np.corrcoef(result.tensor.ravel(), drawn.tensor.ravel())[0, 1] > 0.6


def test_light_on_dark_upload_is_not_inverted():
    light = preprocess_upload(png_bytes(photo_of_seven(dark_on_light=False, shading=False)))
    dark = preprocess_upload(png_bytes(photo_of_seven(shading=False)))
    assert np.corrcoef(light.tensor.ravel(), dark.tensor.ravel())[0, 1] > 0.9


def test_an_mnist_digit_saved_as_png_survives_the_upload_path():
    from core.data import bundled_split

    image = bundled_split().test_images[0]
    result = preprocess_upload(png_bytes(Image.fromarray(np.uint8(np.rint(255 * image)))))
    assert np.corrcoef(result.tensor.ravel(), image.ravel())[0, 1] > 0.85


def test_blank_upload_is_no_input():
    assert preprocess_upload(png_bytes(Image.new("L", (100, 100), 200))).blank


def test_exif_rotation_is_applied():
    picture = photo_of_seven()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    rotated = preprocess_upload(jpeg_bytes(picture.rotate(90, expand=True), exif=exif.tobytes()))
    upright = preprocess_upload(jpeg_bytes(picture))
    assert rotated.raw.shape[:2] == upright.raw.shape[:2]


def reason(data: bytes) -> str:
    with pytest.raises(UploadError) as caught:
        preprocess_upload(data)
    return caught.value.reason


def test_not_an_image_is_refused():
    assert reason(b"name,label\n1,2\n") == "not_an_image"
    assert reason(b"") == "empty"


def test_other_formats_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="BMP")
    assert reason(buffer.getvalue()) == "wrong_format"


def test_corrupt_png_is_refused():
    data = png_bytes(photo_of_seven())
    assert reason(data[: len(data) // 2]) == "corrupt"
    broken = bytearray(data)
    broken[60:90] = b"\x00" * 30
    assert reason(bytes(broken)) == "corrupt"


def test_corrupt_jpeg_is_refused():
    data = jpeg_bytes(photo_of_seven())
    assert reason(data[:300]) == "corrupt"


def png_header_only(width: int, height: int, bit_depth: int = 8, colour_type: int = 0) -> bytes:
    """A PNG whose header claims a size, with one tiny compressed row: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([bit_depth, colour_type, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b""
    )


def test_decompression_bomb_is_refused_before_decoding():
    assert reason(png_header_only(30000, 30000)) == "too_many_pixels"  # 900 MP, above Pillow's own limit
    assert reason(png_header_only(6000, 5000)) == "too_many_pixels"  # 30 MP, above the app's cap
    assert preprocess.MAX_UPLOAD_PIXELS < Image.MAX_IMAGE_PIXELS


def test_a_real_bomb_file_is_small_on_disk_and_refused():
    data = png_bytes(Image.new("L", (8000, 8000), 255), optimize=True)
    assert len(data) < preprocess.MAX_UPLOAD_BYTES
    assert reason(data) == "too_many_pixels"


def test_animated_image_is_refused():
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("white", "black", "grey")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:])
    assert reason(buffer.getvalue()) == "animated"


def test_sixteen_bit_image_is_refused():
    grey16 = Image.fromarray(np.full((40, 40), 40000, np.uint16))
    assert reason(png_bytes(grey16)) == "sixteen_bit"
    assert reason(png_header_only(40, 40, bit_depth=16, colour_type=2)) == "sixteen_bit"


def test_transparent_image_is_refused():
    picture = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ImageDraw.Draw(picture).line([(5, 5), (35, 35)], fill=(0, 0, 0, 255), width=4)
    assert reason(png_bytes(picture)) == "transparent"


def test_opaque_rgba_is_accepted():
    picture = photo_of_seven().convert("RGBA")
    assert not preprocess_upload(png_bytes(picture)).blank


@pytest.mark.parametrize("size", [(1, 1), (1, 500), (7, 7)])
def test_tiny_image_is_refused(size):
    assert reason(png_bytes(Image.new("L", size, 0))) == "too_small"


def test_oversized_file_is_refused():
    assert reason(b"\x89PNG" + b"\x00" * (preprocess.MAX_UPLOAD_BYTES + 1)) == "too_large_bytes"
