"""Charts as inline SVG, made at build time: no JavaScript is needed to read them."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 200, 28


def bar_chart(points: Sequence[tuple[str, int]], *, label: str) -> Markup:
    """A bar chart of (label, value) points; `label` is the accessible name."""
    top = max([v for _, v in points] + [1])
    slot = (WIDTH - 2 * PAD) / max(len(points), 1)
    bars = []
    for i, (name, value) in enumerate(points):
        h = (HEIGHT - 2 * PAD) * value / top
        x = PAD + i * slot + slot * 0.15
        y = HEIGHT - PAD - h
        bars.append(
            f"<g><title>{escape(name)}: {value}</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'class="unkept-bar"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'class="unkept-chart-value">{value}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle" '
            f'class="unkept-chart-label">{escape(name)}</text></g>'
        )
    return Markup(
        f'<svg class="unkept-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'class="unkept-axis"/>{"".join(bars)}</svg>'
    )
