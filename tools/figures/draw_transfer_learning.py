"""Draw fig/04-transfer-learning.svg: a pretrained base, frozen, under a new head that is trained.

Top row: the network as it was trained on ImageNet. Bottom row: the same base
with its weights copied and frozen, a new head for CIFAR-10's 10 classes, and
the last block that fine-tuning unfreezes. Plain SVG, no dependencies:

    python tools/figures/draw_transfer_learning.py
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

OUTPUT = Path(__file__).resolve().parents[2] / "fig" / "04-transfer-learning.svg"

WIDTH, HEIGHT = 940, 470
FONT = "font-family='Helvetica, Arial, sans-serif'"

# Colours: blue-grey for what is frozen, orange for what is trained (safe for colour blindness).
FROZEN = ("#d6e0ea", "#3d5a78")
TRAINED = ("#fdd9a8", "#a0522d")
PRETRAINED = ("#c9e4d6", "#2e6b4f")
DISCARDED = ("#f2f2f2", "#8a8a8a")
DATA = ("#ffffff", "#444444")
TEXT = "#222222"

# The base's three stages: what their filters respond to.
STAGES = (
    ("early layers", "edges, colours"),
    ("middle layers", "textures, patterns"),
    ("late layers", "object parts"),
)


def text(x: float, y: float, lines: list[str] | str, size: int = 14, weight: str = "normal",
         anchor: str = "middle", colour: str = TEXT, style: str = "normal") -> str:
    """Lines of text centred on (x, y)."""
    lines = [lines] if isinstance(lines, str) else lines
    step = size * 1.25
    top = y - step * (len(lines) - 1) / 2
    spans = "".join(
        f"<tspan x='{x}' y='{top + i * step + size * 0.35:.1f}'>{escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return (f"<text {FONT} font-size='{size}' font-weight='{weight}' font-style='{style}' "
            f"text-anchor='{anchor}' fill='{colour}'>{spans}</text>")


def box(x: float, y: float, width: float, height: float, colours: tuple[str, str],
        dashed: bool = False, stroke_width: float = 2, filled: bool = True) -> str:
    """A rounded rectangle with its top-left corner at (x, y); an outline only if not filled."""
    fill, stroke = colours
    fill = fill if filled else "none"
    dash = " stroke-dasharray='7 5'" if dashed else ""
    return (f"<rect x='{x}' y='{y}' width='{width}' height='{height}' rx='8' fill='{fill}' "
            f"stroke='{stroke}' stroke-width='{stroke_width}'{dash}/>")


def arrow(x1: float, y1: float, x2: float, y2: float, colour: str = "#555555", dashed: bool = False) -> str:
    """A straight arrow from (x1, y1) to (x2, y2)."""
    dash = " stroke-dasharray='6 4'" if dashed else ""
    return (f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{colour}' stroke-width='2'"
            f"{dash} marker-end='url(#arrowhead)'/>")


def lock(x: float, y: float, colour: str) -> str:
    """A small padlock, its body's top-left corner at (x, y)."""
    return (f"<path d='M{x + 4} {y} v-5 a6 6 0 0 1 12 0 v5' fill='none' stroke='{colour}' stroke-width='2'/>"
            f"<rect x='{x}' y='{y}' width='20' height='14' rx='2' fill='{colour}'/>")


def network_row(y: float, base_colours: tuple[str, str], locked: bool) -> list[str]:
    """The three stages of the base, as boxes that shrink like the feature maps do."""
    parts = []
    for i, (name, detail) in enumerate(STAGES):
        x = 200 + i * 150
        height = 120 - i * 20
        top = y + (120 - height) / 2
        last = i == len(STAGES) - 1
        parts.append(box(x, top, 130, height, base_colours))
        parts.append(text(x + 65, y + 52, name, size=14, weight="bold"))
        parts.append(text(x + 65, y + 72, detail, size=13))
        if locked:
            parts.append(lock(x + 102, top + 14, base_colours[1]))
            if last:  # fine-tuning unfreezes the last stage
                parts.append(box(x - 6, top - 6, 142, height + 12, TRAINED, dashed=True, stroke_width=2.5,
                                  filled=False))
        if i:
            parts.append(arrow(x - 20, y + 60, x - 2, y + 60))
    return parts


def data_and_base(y: float, title: str, data: list[str], base_colours: tuple[str, str],
                  locked: bool) -> list[str]:
    """One row's title, its data set, and the base network the data flows into, up to the head."""
    return [
        text(20, y - 28, title, size=16, weight="bold", anchor="start"),
        box(20, y + 20, 150, 80, DATA),
        text(95, y + 60, data, size=13),
        arrow(172, y + 60, 198, y + 60),
        *network_row(y, base_colours, locked),
        arrow(632, y + 60, 668, y + 60),
    ]


def draw() -> str:
    """The whole figure as an SVG document."""
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' role='img'>",
        "<title>Transfer learning: a pretrained base, frozen, and a new head, trained</title>",
        "<defs><marker id='arrowhead' markerWidth='10' markerHeight='8' refX='9' refY='4' "
        "orient='auto'><path d='M0,0 L10,4 L0,8 z' fill='#555555'/></marker></defs>",
        f"<rect width='{WIDTH}' height='{HEIGHT}' fill='white'/>",
    ]

    # Row 1: pretraining on ImageNet (done once, by someone with the data and the compute).
    top = 50
    parts += data_and_base(top, "1. Pretraining on ImageNet (done for you)",
                           ["ImageNet", "1.2 million images", "1,000 classes"], PRETRAINED, locked=False)
    parts.append(box(670, top + 20, 160, 80, DISCARDED, dashed=True))
    parts.append(text(750, top + 45, "ImageNet head", size=14, weight="bold", colour="#666666"))
    parts.append(text(750, top + 73, ["1,000 classes", "(left out)"], size=13, colour="#666666"))

    # The weights travel down: include_top=False keeps the base, drops the head.
    parts.append(arrow(415, top + 128, 415, top + 210, colour="#2e6b4f", dashed=True))
    parts.append(text(425, top + 170, "copy the weights (weights=\"imagenet\", include_top=False)",
                      size=13, anchor="start", colour="#2e6b4f", style="italic"))

    # Row 2: transfer to CIFAR-10.
    bottom = 270
    parts += data_and_base(bottom, "2. Transfer to your task (you do this)",
                           ["CIFAR-10", "5,000 images", "10 classes"], FROZEN, locked=True)
    parts.append(box(670, bottom + 15, 160, 90, TRAINED))
    parts.append(text(750, bottom + 38, "new head", size=14, weight="bold"))
    parts.append(text(750, bottom + 68, ["GlobalAveragePooling2D", "Dropout", "Dense(10)"], size=12))
    parts.append(arrow(832, bottom + 60, 858, bottom + 60))
    parts.append(text(895, bottom + 60, ["10", "classes"], size=13))

    # Legend.
    legend_y = 425
    items = (
        (20, FROZEN, False, "frozen (trainable = False)"),
        (270, TRAINED, False, "trained on your data"),
        (480, TRAINED, True, "unfrozen to fine-tune, with a small learning rate"),
    )
    for x, colours, dashed, label in items:
        parts.append(box(x, legend_y, 30, 22, colours, dashed=dashed, filled=not dashed))
        parts.append(text(x + 40, legend_y + 11, label, size=13, anchor="start"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(draw(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
