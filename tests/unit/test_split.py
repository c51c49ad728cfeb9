"""Long messages are split where Telegram accepts every part: no cut tag, no cut entity."""

from __future__ import annotations

import html

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.sandbox.emulator import ApiError, parse_html
from handlers.render import MAX_MESSAGE, split_message, utf16_len

# What people type that HTML cares about, and the characters that count double.
ODD = st.text(alphabet=st.sampled_from(list("&<>\"' \nabcé€😀")), max_size=3000)
TAGS = st.sampled_from(["b", "i", "u", "code", "s"])


@st.composite
def rendered(draw: st.DrawFn) -> str:
    """Lines as the bot renders them: escaped user text inside its own tags."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(TAGS)
        text = html.escape(draw(ODD))
        link = draw(st.booleans())
        body = f'<a href="tg://user?id=1">{text}</a>' if link else text
        lines.append(f"{draw(st.sampled_from(['', '• ', '🗓 ']))}<{tag}>{body}</{tag}>")
    return "\n".join(lines)


def visible(parts: list[str]) -> str:
    return "".join(parse_html(part) for part in parts)


@given(rendered())
def test_every_part_is_valid_html_within_the_limit(text: str) -> None:
    assume(parse_html(text).strip())  # an empty message is refused before any splitting
    parts = split_message(text)
    for part in parts:
        try:
            shown = parse_html(part)
        except ApiError as error:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"{error.description}: {part[:200]!r}") from error
        assert 0 < utf16_len(shown) <= MAX_MESSAGE
        assert shown.strip()
    # Nothing is lost but the spaces and line ends at the cuts.
    squeeze = "".join(parse_html(text).split())
    assert "".join(visible(parts).split()) == squeeze


def test_a_text_full_of_ampersands_inside_italics_is_split_without_cutting_either() -> None:
    text = "<i>" + html.escape("&" * 5000) + "</i>"
    parts = split_message(text)
    assert len(parts) == 2
    assert all(part.startswith("<i>") and part.endswith("</i>") for part in parts)
    assert visible(parts) == "&" * 5000


def test_a_short_message_is_left_alone() -> None:
    assert split_message("<b>Afspraak 1</b> genoteerd") == ["<b>Afspraak 1</b> genoteerd"]


@st.composite
def overview(draw: st.DrawFn) -> str:
    """A long list of short lines, as /clusters and the registers make them."""
    lines = []
    for _ in range(draw(st.integers(60, 120))):
        word = html.escape(
            draw(st.text(alphabet=st.sampled_from(list("&<>abcé€😀")), min_size=2, max_size=12))
        )
        text = " ".join([word] * draw(st.integers(4, 12)))
        tag = draw(TAGS)
        lines.append(draw(st.sampled_from([f"<{tag}>{text}</{tag}>", text, ""])))
    return "\n".join(lines)


@settings(max_examples=30)  # each example is a long text: a few dozen say enough
@given(overview())
def test_a_long_list_of_short_lines_is_cut_between_lines_only(text: str) -> None:
    assume(utf16_len(parse_html(text)) > MAX_MESSAGE)
    parts = split_message(text)
    lines = set(text.split("\n"))
    for part in parts:
        assert 0 < utf16_len(parse_html(part)) <= MAX_MESSAGE
        assert all(line in lines for line in part.split("\n")), part[:200]
    squeeze = "".join(parse_html(text).split())
    assert "".join(visible(parts).split()) == squeeze
