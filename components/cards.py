"""KPI cards: a row of labelled figures with plain-language help and optional deltas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Card:
    """One KPI: a label, the formatted value, an optional delta and a help sentence."""

    label: str
    value: str
    help: str = ""
    delta: str | None = None
    delta_color: str = "normal"


def render_cards(cards: Sequence[Card], *, per_row: int = 6) -> None:
    """Show ``cards`` as st.metric tiles, ``per_row`` to a row, with borders."""
    for start in range(0, len(cards), per_row):
        row = cards[start : start + per_row]
        for column, card in zip(st.columns(per_row), row, strict=False):
            with column:
                st.metric(
                    card.label,
                    card.value,
                    delta=card.delta,
                    delta_color=card.delta_color,
                    help=card.help or None,
                    border=True,
                )
