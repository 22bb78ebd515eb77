"""Small charts drawn on the server as inline SVG (no JavaScript, no CDN): a sparkline of loaded records
per run, and bars of ERP against Anaplan totals by period. Only numbers and escaped labels go in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

ERP_COLOUR, ANAPLAN_COLOUR = "#486581", "#f0b429"


def sparkline(values: Sequence[int], width: int = 120, height: int = 24) -> Markup:
    """A polyline of `values` (oldest first); an empty line when there are none."""
    if not values:
        empty = f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="no runs"></svg>'
        return Markup(empty)  # noqa: S704 - numbers only
    top = max(max(values), 1)
    step = (width - 4) / max(len(values) - 1, 1)
    points = " ".join(f"{2 + i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    label = f"loaded records per run, oldest first: {', '.join(str(v) for v in values)}"
    last_x, last_y = points.split()[-1].split(",")
    return Markup(  # noqa: S704 - numbers and an escaped label only
        f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
        f'<polyline fill="none" stroke="{ERP_COLOUR}" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="{ERP_COLOUR}"/></svg>'
    )


def period_bars(periods: Sequence[tuple[str, Decimal, Decimal]], width: int = 640, height: int = 220) -> Markup:
    """Grouped bars, ERP beside Anaplan, one group per period, on one scale from zero."""
    if not periods:
        return Markup("")
    top = max(max(abs(erp), abs(plan)) for _, erp, plan in periods) or Decimal(1)
    chart_height = height - 40
    group = (width - 40) / len(periods)
    bar = min(group / 3, 40)
    parts = [
        f'<svg id="reconcile-chart" width="{width}" height="{height}" role="img" '
        'aria-label="ERP and Anaplan by period">'
    ]
    for i, (period, erp, plan) in enumerate(periods):
        x = 40 + i * group + (group - 2 * bar) / 2
        for j, (value, colour, side) in enumerate(((erp, ERP_COLOUR, "ERP"), (plan, ANAPLAN_COLOUR, "Anaplan"))):
            h = float(abs(value) / top) * chart_height
            parts.append(
                f'<rect class="bar {side.lower()}" x="{x + j * bar:.1f}" y="{10 + chart_height - h:.1f}" '
                f'width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}"><title>{escape(period)} {side}: {value}'
                "</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 12}" font-size="11" text-anchor="middle">{escape(period)}</text>'
        )
    parts.append(f'<line x1="38" y1="{10 + chart_height}" x2="{width}" y2="{10 + chart_height}" stroke="#9fb3c8"/>')
    parts.append(
        f'<rect x="{width - 150}" y="2" width="10" height="10" fill="{ERP_COLOUR}"/>'
        f'<text x="{width - 136}" y="11" font-size="11">ERP</text>'
        f'<rect x="{width - 90}" y="2" width="10" height="10" fill="{ANAPLAN_COLOUR}"/>'
        f'<text x="{width - 76}" y="11" font-size="11">Anaplan</text></svg>'
    )
    return Markup("".join(parts))  # noqa: S704 - numbers and escaped labels only
