"""Badge artwork: one SVG per course badge from templates/badges/artwork.svg, and the same
drawing rendered to PNG with Pillow (for PNG baking and the PDF certificate).

Emblems are lists of simple shapes (circle, ellipse, line, polygon, rect) on a 400 × 400
canvas, so that the SVG template and the Pillow renderer draw exactly the same picture.
"""
import io
import textwrap
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from PIL import Image, ImageDraw, ImageFont

SIZE = 400
STROKE = 7
FONT_BOLD = "fonts/DejaVuSans-Bold.ttf"

# (kind, geometry, style): style "fill" (white) or "line" (white outline) or "cut" (white
# with a stroke in the badge colour, to stand out over earlier shapes).
EMBLEMS: dict[str, list[tuple]] = {
    "globe": [
        ("circle", (200, 140, 58), "line"),
        ("ellipse", (200, 140, 26, 58), "line"),
        ("line", (142, 140, 258, 140), "line"),
        ("line", (150, 111, 250, 111), "line"),
        ("line", (150, 169, 250, 169), "line"),
    ],
    "scales": [
        ("line", (200, 88, 200, 190), "line"),
        ("line", (138, 104, 262, 104), "line"),
        ("circle", (200, 84, 9), "fill"),
        ("polygon", ((165, 204), (235, 204), (222, 188), (178, 188)), "fill"),
        ("line", (138, 104, 118, 154), "line"),
        ("line", (138, 104, 158, 154), "line"),
        ("polygon", ((112, 154), (164, 154), (154, 168), (122, 168)), "fill"),
        ("line", (262, 104, 242, 154), "line"),
        ("line", (262, 104, 282, 154), "line"),
        ("polygon", ((236, 154), (288, 154), (278, 168), (246, 168)), "fill"),
    ],
    "people": [
        ("circle", (148, 122, 14), "fill"),
        ("polygon", ((124, 192), (124, 168), (132, 152), (164, 152), (172, 168), (172, 192)), "fill"),
        ("circle", (252, 122, 14), "fill"),
        ("polygon", ((228, 192), (228, 168), (236, 152), (268, 152), (276, 168), (276, 192)), "fill"),
        ("circle", (200, 106, 18), "cut"),
        ("polygon", ((170, 196), (170, 162), (180, 140), (220, 140), (230, 162), (230, 196)), "cut"),
    ],
    "document": [
        ("polygon", ((160, 80), (224, 80), (246, 102), (246, 200), (160, 200)), "line"),
        ("line", (224, 80, 224, 102), "line"),
        ("line", (224, 102, 246, 102), "line"),
        ("line", (176, 122, 230, 122), "line"),
        ("line", (176, 142, 230, 142), "line"),
        ("line", (176, 162, 230, 162), "line"),
        ("line", (176, 182, 210, 182), "line"),
    ],
    "chart": [
        ("line", (146, 80, 146, 200), "line"),
        ("line", (146, 200, 262, 200), "line"),
        ("rect", (162, 158, 22, 42), "fill"),
        ("rect", (196, 132, 22, 68), "fill"),
        ("rect", (230, 104, 22, 96), "fill"),
        ("line", (162, 138, 200, 110), "line"),
        ("line", (200, 110, 246, 80), "line"),
    ],
    "shield": [
        ("polygon", ((200, 78), (256, 98), (250, 150), (200, 204), (150, 150), (144, 98)), "line"),
        ("line", (174, 140, 194, 162), "line"),
        ("line", (194, 162, 230, 116), "line"),
    ],
}


def title_lines(name: str) -> list[str]:
    lines = textwrap.wrap(name, width=15, break_long_words=True) or [""]
    if len(lines) > 3:
        lines = lines[:3]
        lines[2] = lines[2][:13].rstrip() + "…"
    return lines


def _layout(fields: dict) -> dict:
    lines = title_lines(fields["name"])
    size = 30 if len(lines) < 3 else 26
    first = 262 if len(lines) == 1 else 250 - (len(lines) - 2) * 6
    return {"lines": [(line, first + i * (size + 6)) for i, line in enumerate(lines)],
            "font_size": size, "colour": fields["colour"], "shapes": EMBLEMS[fields["emblem"]],
            "stroke": STROKE, "size": SIZE, "issuer": current_app.config["ISSUER_NAME"].upper()}


def svg(fields: dict) -> str:
    """The badge picture as SVG text; `fields` as lms.badges.openbadges.badge_fields gives."""
    return render_template("badges/artwork.svg", **_layout(fields))


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(Path(current_app.static_folder) / FONT_BOLD), size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def png(fields: dict) -> bytes:
    """The same picture as PNG, drawn at twice the size and scaled down for smooth edges."""
    layout, k = _layout(fields), 2
    colour, white = _rgb(layout["colour"]), (255, 255, 255)
    image = Image.new("RGBA", (SIZE * k, SIZE * k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width = STROKE * k

    def s(*values):
        return [v * k for v in values]

    draw.ellipse(s(10, 10, 390, 390), fill=colour)
    draw.ellipse(s(26, 26, 374, 374), outline=white, width=4 * k)
    for kind, geometry, style in layout["shapes"]:
        fill = white if style in ("fill", "cut") else None
        outline = None if style == "fill" else (colour if style == "cut" else white)
        line_width = width if outline else 1
        if kind in ("circle", "ellipse"):
            x, y, rx = geometry[:3]
            ry = geometry[3] if kind == "ellipse" else rx
            if fill:
                draw.ellipse(s(x - rx, y - ry, x + rx, y + ry), fill=fill)
            if outline:  # Pillow strokes inside the box, SVG on the edge: widen by half a stroke
                h = STROKE / 2
                draw.ellipse(s(x - rx - h, y - ry - h, x + rx + h, y + ry + h), outline=outline,
                             width=line_width)
        elif kind == "rect":
            x, y, w, h = geometry
            draw.rectangle(s(x, y, x + w, y + h), fill=fill)
        elif kind == "polygon":
            points = [(x * k, y * k) for x, y in geometry]
            if fill:
                draw.polygon(points, fill=fill)
            if outline:
                draw.line(points + points[:2], fill=outline, width=line_width, joint="curve")
        elif kind == "line":
            x1, y1, x2, y2 = geometry
            draw.line(s(x1, y1, x2, y2), fill=white, width=width)
            for x, y in ((x1, y1), (x2, y2)):  # round caps, as stroke-linecap="round"
                draw.ellipse(s(x - STROKE / 2, y - STROKE / 2, x + STROKE / 2, y + STROKE / 2), fill=white)
    font = _font(layout["font_size"] * k)
    for text, y in layout["lines"]:
        draw.text((200 * k, y * k), text, font=font, fill=white, anchor="ms")
    draw.text((200 * k, 345 * k), layout["issuer"], font=_font(16 * k), fill=white, anchor="ms")
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
