"""Draw the diagrams of episode 02 as SVG: a convolution, max pooling and the CNN's layers.

Run from the repository root to regenerate ``fig/02-convolution.svg``,
``fig/02-max-pooling.svg`` and ``fig/02-cnn-layers.svg``:

    python tools/figures/draw_cnn_diagrams.py

Plain Python, no dependencies: every number in the drawings is computed here,
so the convolution's output really is the input filtered by the kernel.
"""

from __future__ import annotations

from pathlib import Path

FIG = Path(__file__).resolve().parents[2] / "fig"
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
CELL = 34  # side of one pixel square, in SVG units

# A 6 by 6 grey image with a bright vertical bar, and a kernel that finds vertical edges.
IMAGE = [
    [0, 0, 1, 3, 1, 0],
    [0, 1, 2, 3, 1, 0],
    [0, 0, 2, 3, 2, 1],
    [1, 0, 2, 3, 1, 0],
    [0, 1, 2, 3, 2, 0],
    [0, 0, 1, 3, 1, 0],
]
KERNEL = [
    [-1, 0, 1],
    [-1, 0, 1],
    [-1, 0, 1],
]
POOL_INPUT = [
    [1, 3, 2, 0],
    [4, 2, 1, 1],
    [0, 1, 5, 2],
    [2, 1, 3, 4],
]
BLOCK_COLOURS = ("#fde0c5", "#c9e4f6", "#d5f0d0", "#eddcf5")


def convolve(image: list[list[int]], kernel: list[list[int]]) -> list[list[int]]:
    """Valid 2D cross-correlation (what Conv2D computes), stride 1."""
    size, k = len(image), len(kernel)
    return [
        [
            sum(image[row + i][col + j] * kernel[i][j] for i in range(k) for j in range(k))
            for col in range(size - k + 1)
        ]
        for row in range(size - k + 1)
    ]


def max_pool(image: list[list[int]]) -> list[list[int]]:
    """2 by 2 max pooling with stride 2."""
    half = len(image) // 2
    return [
        [max(image[2 * r + i][2 * c + j] for i in (0, 1) for j in (0, 1)) for c in range(half)]
        for r in range(half)
    ]


def text(x: float, y: float, content: str, size: int = 14, anchor: str = "middle",
         weight: str = "normal", colour: str = "#222") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' {FONT} font-size='{size}' text-anchor='{anchor}' "
            f"font-weight='{weight}' fill='{colour}'>{content}</text>")


def grid(x0: float, y0: float, values: list[list[int]], fills=None, cell: int = CELL) -> str:
    """A grid of numbered squares; ``fills[r][c]`` colours a square."""
    parts = []
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            fill = fills[r][c] if fills else "#ffffff"
            x, y = x0 + c * cell, y0 + r * cell
            parts.append(f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' "
                         f"fill='{fill}' stroke='#555' stroke-width='1'/>")
            parts.append(text(x + cell / 2, y + cell / 2 + 5, str(value)))
    return "\n".join(parts)


def outline(x: float, y: float, w: float, h: float, colour: str, dashed: bool = False) -> str:
    dash = " stroke-dasharray='6,4'" if dashed else ""
    return (f"<rect x='{x}' y='{y}' width='{w}' height='{h}' fill='none' "
            f"stroke='{colour}' stroke-width='3'{dash}/>")


def arrow(x1: float, y1: float, x2: float, y2: float, colour: str = "#444") -> str:
    return (f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{colour}' "
            f"stroke-width='2' marker-end='url(#head)'/>")


def svg(width: int, height: int, title: str, body: str) -> str:
    return f"""<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img'>
<title>{title}</title>
<defs><marker id='head' markerWidth='10' markerHeight='8' refX='9' refY='4' orient='auto'>
<path d='M0,0 L10,4 L0,8 z' fill='#444'/></marker></defs>
<rect width='100%' height='100%' fill='white'/>
{body}
</svg>
"""


def draw_convolution() -> str:
    """The kernel at output position (1, 1), and its next position one pixel to the right."""
    output = convolve(IMAGE, KERNEL)
    row, col = 1, 1
    highlight = "#fff2a8"
    image_fills = [["#ffffff"] * 6 for _ in range(6)]
    for i in range(3):
        for j in range(3):
            image_fills[row + i][col + j] = highlight
    output_fills = [["#ffffff"] * 4 for _ in range(4)]
    output_fills[row][col] = highlight

    x_image, x_kernel, x_output, y0 = 30, 320, 500, 70
    products = " + ".join(
        f"{IMAGE[row + i][col + j]}×({KERNEL[i][j]})" if KERNEL[i][j] < 0
        else f"{IMAGE[row + i][col + j]}×{KERNEL[i][j]}"
        for i in range(3) for j in range(3)
    )
    body = [
        text(x_image + 3 * CELL, 40, "input image (6 × 6)", 16, weight="bold"),
        grid(x_image, y0, IMAGE, image_fills),
        outline(x_image + col * CELL, y0 + row * CELL, 3 * CELL, 3 * CELL, "#d4731c"),
        outline(x_image + (col + 1) * CELL, y0 + row * CELL, 3 * CELL, 3 * CELL, "#1f77b4", True),
        text(x_kernel + 1.5 * CELL, 40, "kernel (3 × 3)", 16, weight="bold"),
        grid(x_kernel, y0 + CELL, KERNEL, [[highlight] * 3] * 3),
        text(x_output + 2 * CELL, 40, "output (4 × 4)", 16, weight="bold"),
        grid(x_output, y0 + 0 * CELL, output, output_fills),
        outline(x_output + col * CELL, y0 + row * CELL, CELL, CELL, "#d4731c"),
        outline(x_output + (col + 1) * CELL, y0 + row * CELL, CELL, CELL, "#1f77b4", True),
        arrow(x_image + 6 * CELL + 10, y0 + 2.5 * CELL, x_kernel - 10, y0 + 2.5 * CELL),
        arrow(x_kernel + 3 * CELL + 10, y0 + 2.5 * CELL, x_output - 10, y0 + 2.5 * CELL),
        text(30, y0 + 6 * CELL + 40,
             f"Orange position: {products} = {output[row][col]}", 14, anchor="start"),
        text(30, y0 + 6 * CELL + 66,
             "Then the kernel slides one pixel to the right (blue, dashed): "
             f"next output value {output[row][col + 1]}.", 14, anchor="start"),
        text(30, y0 + 6 * CELL + 92,
             "All positions share these 9 weights: large outputs mean brightness rises "
             "to the right.", 14, anchor="start"),
    ]
    return svg(720, 400, "A 3 by 3 kernel sliding over a 6 by 6 image gives a 4 by 4 output",
               "\n".join(body))


def draw_max_pooling() -> str:
    pooled = max_pool(POOL_INPUT)
    fills = [[BLOCK_COLOURS[(r // 2) * 2 + c // 2] for c in range(4)] for r in range(4)]
    out_fills = [[BLOCK_COLOURS[r * 2 + c] for c in range(2)] for r in range(2)]
    x_in, x_out, y0 = 40, 400, 60
    body = [
        text(x_in + 2 * CELL, 35, "feature map (4 × 4)", 16, weight="bold"),
        grid(x_in, y0, POOL_INPUT, fills),
        text(x_out + CELL, 35, "pooled map (2 × 2)", 16, weight="bold"),
        grid(x_out, y0 + CELL, pooled, out_fills),
        arrow(x_in + 4 * CELL + 15, y0 + 2 * CELL, x_out - 15, y0 + 2 * CELL),
        text((x_in + 4 * CELL + x_out) / 2, y0 + 2 * CELL - 10, "2 × 2 max pooling:", 13),
        text((x_in + 4 * CELL + x_out) / 2, y0 + 2 * CELL + 22, "largest value of each block", 13),
        text(30, y0 + 4 * CELL + 40,
             "Each coloured 2 × 2 block becomes its largest value, so the map halves in "
             "height and width;", 14, anchor="start"),
        text(30, y0 + 4 * CELL + 64,
             "a feature that moves by one pixel inside its block gives the same output.",
             14, anchor="start"),
    ]
    return svg(660, 270, "2 by 2 max pooling keeps the largest value of each block", "\n".join(body))


# (label, height and width in pixels, channels) of each tensor the lesson's CNN computes;
# keep in step with the model built in episodes/02-build-a-cnn.md.
CNN_TENSORS = [
    ("input", 32, 3),
    ("conv + ReLU", 32, 16),
    ("max pool", 16, 16),
    ("conv + ReLU", 16, 32),
    ("max pool", 8, 32),
    ("conv + ReLU", 8, 64),
    ("max pool", 4, 64),
]


def draw_cnn_layers() -> str:
    """Each tensor as a box (height: spatial size, depth: channels), then flatten and dense."""
    body = []
    slot, base = 100, 200  # width of each tensor's column; vertical centre line
    colours = {"input": "#cfd8dc", "conv + ReLU": "#ffcc80", "max pool": "#90caf9"}
    for index, (label, size, channels) in enumerate(CNN_TENSORS):
        h = size * 4
        w = 4 + channels * 0.6
        d = h * 0.25  # fake perspective depth
        x = 30 + index * slot + (slot - 20 - w - d) / 2
        y = base - h / 2 + d / 2
        fill = colours[label]
        body.append(f"<polygon points='{x},{y} {x + d},{y - d} {x + d + w},{y - d} {x + w},{y}' "
                    f"fill='{fill}' stroke='#555'/>")
        body.append(f"<polygon points='{x + w},{y} {x + d + w},{y - d} {x + d + w},{y + h - d} "
                    f"{x + w},{y + h}' fill='{fill}' stroke='#555' opacity='0.75'/>")
        body.append(f"<rect x='{x}' y='{y}' width='{w}' height='{h}' fill='{fill}' stroke='#555'/>")
        centre = 30 + index * slot + (slot - 20) / 2
        body.append(text(centre, base + 100, f"{size}×{size}×{channels}", 13, weight="bold"))
        for k, word in enumerate(label.split(" + ")):
            body.append(text(centre, base + 120 + 16 * k, word, 12))
    x = 30 + len(CNN_TENSORS) * slot
    _, size, channels = CNN_TENSORS[-1]
    body.append(f"<rect x='{x + 33}' y='{base - 80}' width='14' height='160' fill='#e0e0e0' stroke='#555'/>")
    body.append(text(x + 40, base + 100, str(size * size * channels), 13, weight="bold"))
    body.append(text(x + 40, base + 120, "flatten", 12))
    x += slot
    body.append(f"<rect x='{x + 33}' y='{base - 40}' width='14' height='80' fill='#a5d6a7' stroke='#555'/>")
    body.append(text(x + 40, base + 100, "10", 13, weight="bold"))
    body.append(text(x + 40, base + 120, "dense:", 12))
    body.append(text(x + 40, base + 136, "logits", 12))
    body.append(text(30, 35, "Height and width halve at each pooling step while the number of "
                     "channels grows", 15, anchor="start", weight="bold"))
    return svg(int(x + slot), 360, "The CNN's layers and the shape of the tensor after each",
               "\n".join(body))


def main() -> None:
    FIG.mkdir(exist_ok=True)
    for name, drawing in {
        "02-convolution.svg": draw_convolution(),
        "02-max-pooling.svg": draw_max_pooling(),
        "02-cnn-layers.svg": draw_cnn_layers(),
    }.items():
        (FIG / name).write_text(drawing, encoding="utf-8")
        print("wrote", FIG / name)


if __name__ == "__main__":
    main()
