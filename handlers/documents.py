"""Word documents (.docx) made from the Markdown the bot writes: the plan, the reports.

The Markdown is the source people can read anywhere; the .docx is the same text laid out for a
council: headings, bullet lists, tables, quotes and bold. Only what the bot itself writes is
understood (`#`…`###`, `- ` and `  - `, `> `, `| a | b |` tables, `**bold**`). Emoji are left
out, since the office fonts of many municipalities cannot draw them; HTML entities never reach
here (texts are unescaped first).
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

__all__ = ["markdown_to_docx", "office_safe", "slug"]

# Pictographs and their joiners/selectors: what Calibri, Arial or Times cannot draw.
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols and pictographs
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats (☀ ✅ ❌ ✏)
    "\u2b00-\u2bff"  # arrows and stars used as emoji (⬜ ⭐)
    "\u2300-\u23ff"  # technical symbols used as emoji (⏰ ⏳ ⌛)
    "\ufe0f\u200d\u20e3"  # variation selector, zero-width joiner, keycap
    "\U000e0020-\U000e007f"  # tag characters (flags)
    "]"
)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TABLE_RULE = re.compile(r"^\|\s*:?-{3,}")


def slug(title: str) -> str:
    """A file-name part: `Klimaatcluster Oud-Heverlee` → `klimaatcluster-oud-heverlee`."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "cluster"


def office_safe(text: str) -> str:
    """The text without emoji, with the space they leave tidied."""
    cleaned = _EMOJI.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _runs(paragraph: Paragraph, text: str) -> None:
    """Plain and **bold** runs."""
    text = office_safe(text)
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        paragraph.add_run(match.group(1)).bold = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def markdown_to_docx(markdown: str, *, title: str) -> bytes:
    # python-docx (and lxml under it) is 8 MB and a tenth of the start: loaded by the first
    # document, not by every process that may never make one.
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = office_safe(title)
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        index += 1
        if not line.strip():
            continue
        if line.startswith("|"):
            rows = [_cells(line)]
            while index < len(lines) and lines[index].startswith("|"):
                if not _TABLE_RULE.match(lines[index]):
                    rows.append(_cells(lines[index]))
                index += 1
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(office_safe(value.replace("**", "")))
                    run.bold = r == 0
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            level = len(heading.group(1))
            # `#` is the document's title; `##` … `####` are headings 1 … 3.
            document.add_heading(office_safe(heading.group(2).replace("**", "")), level=level - 1)
            continue
        bullet = re.match(r"^(\s*)- (.*)$", line)
        if bullet:
            style_name = "List Bullet 2" if len(bullet.group(1)) >= 2 else "List Bullet"
            _runs(document.add_paragraph(style=style_name), bullet.group(2))
            continue
        quote = re.match(r"^\s*> ?(.*)$", line)
        if quote:
            _runs(document.add_paragraph(style="Quote"), quote.group(1))
            continue
        _runs(document.add_paragraph(), line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
