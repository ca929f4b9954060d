"""Small labelled corpora for the learned topic model: a vocabulary the taxonomy does not know."""

from __future__ import annotations

from extractors.tagging.training import LabelledRow

FILLER = (
    "Officials in New Delhi met their counterparts on Tuesday. The talks covered several matters and the two"
    " sides agreed to meet again next month. Analysts said the meeting went as expected."
)


def walnut_text(i: int) -> tuple[str, str]:
    return (
        f"Walnut levy row deepens, round {i}",
        f"The walnut levy on shipments from Kashmir was raised again, walnut growers said. {FILLER}"
        f" Exporters asked for the walnut levy to be cut before the harvest number {i}.",
    )


def cricket_text(i: int) -> tuple[str, str]:
    return (
        f"Cricket board picks squad for series {i}",
        f"The cricket board named its squad for the home series, with two new bowlers. {FILLER}"
        f" The captain said the cricket pitch at the stadium suited spin, match number {i}.",
    )


def walnut_rows(n: int = 12) -> list[LabelledRow]:
    """Rows that judge `tariffs` only: walnut levy stories are about it, cricket stories are not."""
    rows = []
    for i in range(n):
        for name, (title, text), labels in (
            ("walnut", walnut_text(i), frozenset({"tariffs"})),
            ("cricket", cricket_text(i), frozenset()),
        ):
            rows.append(
                LabelledRow(id=f"{name}-{i}", title=title, text=text, labels=labels, judged=frozenset({"tariffs"}))
            )
    return rows
