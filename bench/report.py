"""The table the benchmarks print: one row per figure, with its anchor and its target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    measure: str
    database: str
    bot: str
    anchor: str = "—"
    ratio: str = "—"
    target: str = ""


def ratio(bot: float, anchor: float) -> str:
    return f"{bot / anchor:.2f}" if anchor else "—"


def print_table(
    rows: list[Row], *, machine: str, databases: str, date: str, command: str, took: float
) -> None:
    print(
        f"\nmachine: {machine}\ndatabases: {databases}\ndate: {date}\n"
        f"command: `{command}` ({took:.0f} s)\n"
    )
    print("| measure | database | Klimaatbot | bare PTB | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row.measure} | {row.database} | {row.bot} | {row.anchor} | {row.ratio} "
            f"| {row.target} |"
        )
