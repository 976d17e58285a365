"""Where labels go, worked out before Vega draws anything: nice axis bounds, text widths,
series labels at their line ends that do not collide, event labels that never cross a rule or
another label. Plain functions on numbers and strings (no Altair), so they can be tested alone.

Text widths are estimates for Liberation Sans (the chart font): ``CHAR_EM`` of the font size
per character, a little wider than its average, so an estimate errs on the side of room.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

CHAR_EM = 0.58


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def cut(text: str, chars: int) -> str:
    """``text`` shortened to ``chars`` characters (a word boundary when there is one), with '…'."""
    if len(text) <= chars:
        return text
    if chars < 2:
        return ""
    head = text[:chars - 1]
    space = head.rfind(" ")
    return (head[:space] if space > chars // 2 else head).rstrip(" :,;-(") + "…"


def wrap(text: str, width_px: float, size: float) -> list[str]:
    """``text`` in lines that fit ``width_px`` at font ``size`` (words are not broken)."""
    limit = max(8, int(width_px / (size * CHAR_EM)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def nice_bounds(lo: float, hi: float, zero: bool, ticks: int = 5) -> tuple[float, float]:
    """An axis domain that holds ``lo``..``hi`` and ends on round numbers (1, 2, 2.5 or 5 times a
    power of ten); from zero when ``zero`` and the data are not negative."""
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi, lo = (hi + 1, lo - 1 if not zero or lo < 0 else lo) if hi == 0 else (hi * 1.1, lo * 0.9 if not zero else lo)
    raw = (hi - lo) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step


def spread(ys: Sequence[float], gap: float, top: float, bottom: float) -> list[float]:
    """Label positions (px from the top) as close to ``ys`` as they can be with at least
    ``gap`` between neighbours, within ``top``..``bottom``; returned in the order given. Labels
    that would overlap are merged into blocks centred on their wanted positions."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    blocks: list[list[float]] = []  # [sum of wanted positions, count]

    def start(b: list[float]) -> float:
        n = b[1]
        return min(max(b[0] / n - (n - 1) * gap / 2, top), max(top, bottom - (n - 1) * gap))

    for i in order:
        blocks.append([float(ys[i]), 1])
        while len(blocks) > 1 and start(blocks[-2]) + blocks[-2][1] * gap > start(blocks[-1]) + 1e-9:
            b = blocks.pop()
            blocks[-1][0] += b[0]
            blocks[-1][1] += b[1]
    pos = [start(b) + k * gap for b in blocks for k in range(int(b[1]))]
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = pos[k]
    return out


@dataclass(frozen=True)
class EventLabel:
    """Where one event's label is written: ``lane`` (row from the top of the plot), ``left``
    (written leftwards from its rule) and ``text`` (cut so it reaches no other rule or label)."""

    x: float
    lane: int
    left: bool
    text: str


def place_event_labels(xs: Sequence[float], labels: Sequence[str], width: float, size: float,
                       lanes: int = 3) -> list[EventLabel]:
    """Labels for rules at ``xs`` (px, in date order) on a plot ``width`` px wide. A label starts
    4 px beside its rule and never reaches another rule (rules cross every lane) nor another
    label in its lane; it is written rightwards unless there is more room to the left, and cut
    with '…' when even the roomier side is too short (the full text is in the figure's notes)."""
    pad, gap, min_px = 4.0, 6.0, text_width("ab…", size)
    taken: list[list[tuple[float, float]]] = [[] for _ in range(lanes)]
    out: list[EventLabel] = []
    for i, (x, label) in enumerate(zip(xs, labels)):
        need = text_width(label, size)
        others = [o for j, o in enumerate(xs) if j != i]
        best: tuple[tuple[float, int, int], bool, int, float] | None = None  # (score, left, lane, room)
        for left in (False, True):
            if left:
                wall = max([o for o in others if o < x - 0.5] + [0.0])
                room = x - pad - wall - gap
            else:
                wall = min([o for o in others if o > x + 0.5] + [width])
                room = wall - gap - x - pad
            for lane in range(lanes):
                lo, hi = (x - pad - room, x - pad) if left else (x + pad, x + pad + room)
                for a, b in taken[lane]:  # shrink the room to the nearest label in this lane
                    if b > lo and a < hi:
                        if left:
                            lo = max(lo, b + gap)
                        else:
                            hi = min(hi, a - gap)
                fit = max(0.0, hi - lo)
                score = (min(fit, need), -lane, -int(left))
                if best is None or score > best[0]:
                    best = (score, left, lane, fit)
        assert best is not None
        _, left, lane, shown = best
        chars = len(label) if shown >= need else int(shown / (size * CHAR_EM))
        text = cut(label, chars) if shown >= min_px else ""
        w = text_width(text, size)
        if text:
            taken[lane].append((x - pad - w, x - pad) if left else (x + pad, x + pad + w))
        out.append(EventLabel(x, lane, left, text))
    return out
