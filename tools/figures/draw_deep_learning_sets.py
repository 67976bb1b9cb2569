"""Draw fig/01-ai-ml-dl.svg: deep learning inside machine learning inside artificial intelligence.

Run from the repository root: ``python tools/figures/draw_deep_learning_sets.py``.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[2] / "fig" / "01-ai-ml-dl.svg"

# (name, description, examples, x, y, width, height, fill colour), outermost first.
SETS = [
    ("Artificial intelligence", "computers doing tasks we call intelligent",
     "e.g. chess programs, route planners", 10, 10, 620, 290, "#e8eef7"),
    ("Machine learning", "rules learned from examples, not programmed",
     "e.g. decision trees, linear regression", 50, 100, 540, 190, "#c9d9ef"),
    ("Deep learning", "neural networks with many layers",
     "e.g. the CNNs of this lesson", 90, 190, 460, 90, "#8fb3e0"),
]


def draw() -> str:
    """Return the SVG text of the diagram."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 310" '
        'font-family="Helvetica, Arial, sans-serif" role="img">',
        "<title>Deep learning is part of machine learning, which is part of "
        "artificial intelligence</title>",
    ]
    for name, description, examples, x, y, width, height, fill in SETS:
        parts.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="24" '
            f'fill="{fill}" stroke="#1f3b63" stroke-width="2"/>'
        )
        centre = x + width / 2
        parts.append(
            f'<text x="{centre}" y="{y + 30}" text-anchor="middle" font-size="22" '
            f'font-weight="bold" fill="#10223a">{name}</text>'
        )
        parts.append(
            f'<text x="{centre}" y="{y + 54}" text-anchor="middle" font-size="16" '
            f'fill="#10223a">{description}</text>'
        )
        parts.append(
            f'<text x="{centre}" y="{y + 76}" text-anchor="middle" font-size="15" '
            f'font-style="italic" fill="#2d4a73">{examples}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(draw(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
