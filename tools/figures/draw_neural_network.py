"""Draw fig/01-neuron-and-network.svg: one artificial neuron, and a network of them in layers.

Run from the repository root: ``python tools/figures/draw_neural_network.py``.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[2] / "fig" / "01-neuron-and-network.svg"

INK = "#10223a"
NEURON_FILL = "#8fb3e0"
INPUT_FILL = "#e8eef7"
OUTPUT_FILL = "#f4c77d"

# Right panel: how many neurons each layer has, and its label.
LAYERS = [(4, "input"), (5, "hidden"), (5, "hidden"), (3, "output")]


def circle(x: float, y: float, r: float, fill: str) -> str:
    return f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" stroke="{INK}" stroke-width="2"/>'


def text(x: float, y: float, content: str, size: int = 16, anchor: str = "middle",
         extra: str = "") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{INK}" {extra}>{content}</text>')


def arrow(x1: float, y1: float, x2: float, y2: float, width: float = 1.5) -> str:
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{INK}" '
            f'stroke-width="{width}" marker-end="url(#arrow)"/>')


def neuron_panel() -> list[str]:
    """One neuron: weighted inputs, a sum plus bias, an activation function, one output."""
    parts = [text(180, 30, "One neuron", 20, extra='font-weight="bold"')]
    centre_x, centre_y = 200, 170
    for i, y in enumerate((90, 170, 250), start=1):
        parts.append(circle(40, y, 22, INPUT_FILL))
        parts.append(text(40, y + 6, f"x<tspan baseline-shift='sub' font-size='12'>{i}</tspan>"))
        parts.append(arrow(62, y, centre_x - 44, centre_y + (y - centre_y) * 0.35))
        parts.append(text(110, (y + centre_y) / 2 - 14 + (y - centre_y) * 0.1,
                          f"w<tspan baseline-shift='sub' font-size='12'>{i}</tspan>",
                          extra='font-style="italic"'))
    parts.append(circle(centre_x, centre_y, 40, NEURON_FILL))
    parts.append(text(centre_x, centre_y - 4, "Σ + b", 18))
    parts.append(text(centre_x, centre_y + 18, "then f", 15))
    parts.append(arrow(centre_x + 40, centre_y, 320, centre_y, 2))
    parts.append(text(338, centre_y + 6, "y", 20, extra='font-style="italic"'))
    parts.append(text(190, 320, "y = f(w₁x₁ + w₂x₂ + w₃x₃ + b)", 17))
    parts.append(text(190, 345, "weights w and bias b are learned;", 14))
    parts.append(text(190, 364, "f is an activation function, e.g. ReLU", 14))
    return parts


def network_panel() -> list[str]:
    """Layers of neurons, each connected to every neuron of the next layer."""
    left, spacing_x, top, bottom = 470, 100, 70, 290
    parts = [text(left + 1.5 * spacing_x, 30, "A neural network", 20,
                  extra='font-weight="bold"')]
    positions = []
    for index, (count, _) in enumerate(LAYERS):
        x = left + index * spacing_x
        step = (bottom - top) / 4
        first = (top + bottom) / 2 - (count - 1) * step / 2
        positions.append([(x, first + k * step) for k in range(count)])
    for here, there in zip(positions, positions[1:]):
        for x1, y1 in here:
            for x2, y2 in there:
                parts.append(f'<line x1="{x1 + 16}" y1="{y1}" x2="{x2 - 16}" y2="{y2}" '
                             f'stroke="#6b7f99" stroke-width="1"/>')
    for index, ((_, label), layer) in enumerate(zip(LAYERS, positions)):
        fill = INPUT_FILL if index == 0 else OUTPUT_FILL if index == len(LAYERS) - 1 else NEURON_FILL
        for x, y in layer:
            parts.append(circle(x, y, 16, fill))
        parts.append(text(layer[0][0], 330, label, 15))
    parts.append(text(left + 1.5 * spacing_x, 355, "each line is one weight;", 14))
    parts.append(text(left + 1.5 * spacing_x, 374, "deep networks have many hidden layers", 14))
    return parts


def draw() -> str:
    """Return the SVG text of the diagram."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 820 390" '
        'font-family="Helvetica, Arial, sans-serif" role="img">',
        "<title>One neuron computes a weighted sum of its inputs plus a bias and "
        "applies an activation function; a network stacks layers of such neurons</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>',
        '<rect x="0" y="0" width="820" height="390" fill="white"/>',
        *neuron_panel(),
        f'<line x1="395" y1="20" x2="395" y2="370" stroke="#c0c8d4" stroke-width="1"/>',
        *network_panel(),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(draw(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
