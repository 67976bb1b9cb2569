"""Draw fig/05-siamese-network.svg: two inputs, one shared base network, cosine similarity.

Run from the repository root: ``python tools/figures/draw_siamese_network.py``.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[2] / "fig" / "05-siamese-network.svg"

INK = "#10223a"
INPUT_FILL = "#e8eef7"
BASE_FILL = "#8fb3e0"
EMBEDDING_FILL = "#c9d9ef"
HEAD_FILL = "#f4c77d"
ROWS = {"A": 90, "B": 250}  # vertical centre of each branch


def box(x: float, y: float, width: float, height: float, fill: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="10" fill="{fill}" '
            f'stroke="{INK}" stroke-width="2"{dash}/>')


def text(x: float, y: float, content: str, size: int = 16, extra: str = "") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="middle" fill="{INK}" '
            f'{extra}>{content}</text>')


def arrow(x1: float, y1: float, x2: float, y2: float, both: bool = False) -> str:
    start = ' marker-start="url(#arrow-back)"' if both else ""
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{INK}" stroke-width="2" '
            f'marker-end="url(#arrow)"{start}/>')


def branch(name: str, centre_y: float) -> list[str]:
    """One input, its pass through the base network, and its embedding."""
    parts = [
        box(20, centre_y - 40, 130, 80, INPUT_FILL),
        text(85, centre_y - 6, f"Input {name}", 17, 'font-weight="bold"'),
        text(85, centre_y + 18, "image or spectrum", 13),
        arrow(150, centre_y, 208, centre_y),
        box(210, centre_y - 45, 170, 90, BASE_FILL),
        text(295, centre_y - 6, "Base network", 17, 'font-weight="bold"'),
        text(295, centre_y + 18, "layers → vector", 13),
        arrow(380, centre_y, 438, centre_y),
    ]
    for k in range(6):  # the embedding: a short column of numbers
        parts.append(box(440, centre_y - 45 + k * 15, 26, 15, EMBEDDING_FILL).replace('rx="10"', 'rx="2"'))
    parts.append(text(453, centre_y + 66 if name == "B" else centre_y - 54,
                      f"embedding {name}", 14))
    return parts


def draw() -> str:
    """Return the SVG text of the diagram."""
    top, bottom = ROWS["A"], ROWS["B"]
    middle = (top + bottom) / 2
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 340" '
        'font-family="Helvetica, Arial, sans-serif" role="img">',
        "<title>A siamese network: two inputs pass through one shared base network; "
        "the cosine similarity of their two embeddings is the predicted similarity</title>",
        '<defs>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker>'
        '<marker id="arrow-back" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M10,0 L0,5 L10,10 z" fill="{INK}"/></marker>'
        '</defs>',
        '<rect x="0" y="0" width="900" height="340" fill="white"/>',
        *branch("A", top),
        *branch("B", bottom),
        # The two base networks are one network: same layers, same weights.
        arrow(295, top + 50, 295, bottom - 50, both=True),
        text(360, middle - 4, "one network,", 14, 'font-style="italic"'),
        text(360, middle + 14, "shared weights", 14, 'font-style="italic"'),
        # Both embeddings meet in the cosine similarity.
        arrow(470, top, 560, middle - 30),
        arrow(470, bottom, 560, middle + 30),
        box(562, middle - 45, 150, 90, HEAD_FILL),
        text(637, middle - 8, "cosine", 17, 'font-weight="bold"'),
        text(637, middle + 14, "similarity", 17, 'font-weight="bold"'),
        text(637, middle + 34, "from −1 to 1", 13),
        arrow(712, middle, 770, middle),
        text(830, middle - 6, "predicted", 15),
        text(830, middle + 14, "similarity", 15),
        text(830, middle + 52, "trained to match", 13, 'font-style="italic"'),
        text(830, middle + 70, "a target similarity", 13, 'font-style="italic"'),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(draw(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
