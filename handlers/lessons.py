"""Lessons learned and practice examples: recorded in a cluster, read in every cluster.

`/leerpunten` in a group lists that cluster's; in a private chat the facilitator sees those of
all their clusters by theme, so a good practice of one cluster reaches the others.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from sqlmodel import col, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.arguments import theme_of
from handlers.i18n import has, t
from handlers.render import callback_text, plain_name, short_date
from handlers.runtime import App
from handlers.turn import Turn, button, command
from models import reports
from models.actions import Theme
from models.clusters import Cluster, Role, fold, members_of
from models.errors import DomainError
from models.lessons import (
    Lesson,
    LessonKind,
    lessons_of,
    mark_useful,
    most_useful,
    record_lesson,
    useful_counts,
)
from models.topics import Topic

# The canonical theme words, for suggesting the closest one after a typo.
THEME_WORDS = [theme.value for theme in Theme] + [
    "energy", "mobility", "circular", "communication", "participation", "other",
]  # fmt: skip
_HASHTAG = re.compile(r"(?<![\w#])#([\w-]+)")
MAX_LISTED = 60
MAX_BUTTONS = 8
BUTTON_TEXT = 40
TOP_USEFUL = 3
BUTTON_PREFIX = "lesson"


def theme_label(lang: str, theme: str | None) -> str:
    """`energie` → `Energie` / `Energy` / `Énergie`; no theme → a word for "no theme"."""
    key = f"lessons.theme.{theme or 'none'}"
    return str(t(lang, key)) if has(key) else str(theme)


def theme_from_word(word: str) -> Theme:
    """A theme hashtag, or a refusal that lists the themes (and the closest one)."""
    theme = theme_of(word)
    if theme is not None:
        return theme
    close = difflib.get_close_matches(fold(word), THEME_WORDS, n=1, cutoff=0.75)
    if close:
        raise DomainError("lessons.theme_suggest", given=word, suggestion=close[0])
    raise DomainError("lessons.theme_unknown", theme=word)


def split_theme(text: str) -> tuple[str, Theme | None]:
    """Take the `#thema` out of the text; other hashtags (a municipality) stay in it."""
    themes: set[Theme] = set()
    kept: list[str] = []
    position = 0
    for match in _HASHTAG.finditer(text):
        theme = theme_of(match.group(1))
        if theme is None and difflib.get_close_matches(
            fold(match.group(1)), THEME_WORDS, n=1, cutoff=0.8
        ):
            theme_from_word(match.group(1))  # raises with the suggestion
        if theme is not None:
            themes.add(theme)
            kept.append(text[position : match.start()])
            position = match.end()
    kept.append(text[position:])
    if len(themes) > 1:
        raise DomainError("lessons.two_themes", themes=", ".join(sorted(themes)))
    cleaned = re.sub(r"[ \t]+", " ", "".join(kept)).strip()
    return cleaned, next(iter(themes), None)


async def _topic_theme(turn: Turn, cluster: Cluster) -> str | None:
    """Typed inside a topic tied to a theme (`/thema`), a lesson takes that theme."""
    if turn.thread_id is None:
        return None
    result = await turn.session.exec(
        select(Topic.theme).where(Topic.cluster_id == cluster.id, Topic.thread_id == turn.thread_id)
    )
    return result.first()


async def _record(turn: Turn, kind: LessonKind) -> None:
    cluster = turn.require_cluster()
    text, theme = split_theme(turn.text_args)
    if not text:
        raise DomainError(f"lessons.empty_{kind.value}")
    chosen = theme.value if theme is not None else await _topic_theme(turn, cluster)
    lesson = await record_lesson(
        turn.session,
        cluster=cluster,
        kind=kind,
        text=text,
        theme=chosen,
        by=turn.member,
        now=turn.now,
    )
    await turn.say(
        f"lessons.recorded_{kind.value}",
        text=lesson.text,
        theme=theme_label(turn.lang, lesson.theme),
    )


async def record_lesson_learned(turn: Turn) -> None:
    """`/leerpunt tekst #thema`."""
    await _record(turn, LessonKind.LESSON)


async def record_practice(turn: Turn) -> None:
    """`/praktijkvoorbeeld tekst #thema`."""
    await _record(turn, LessonKind.PRACTICE)


async def list_lessons(turn: Turn) -> None:
    """This cluster's lessons in a group; every cluster of the facilitator in private."""
    wanted = turn.text_args.strip()
    theme: str | None = None
    if wanted:
        theme = theme_from_word(wanted.lstrip("#")).value
    if turn.is_private:
        assert turn.user is not None
        clusters = await reports.facilitator_clusters(turn.session, user_id=turn.user.id)
        if not clusters:
            raise DomainError("facilitator.no_clusters")
        titles = {c.id: c.title for c in clusters}
        lessons = await lessons_of(
            turn.session, cluster_ids=[c.id for c in clusters if c.id], theme=theme
        )

        def source(lesson: Lesson) -> str:
            return titles.get(lesson.cluster_id, "")
    else:
        cluster = turn.require_cluster()
        assert cluster.id is not None
        lessons = await lessons_of(turn.session, cluster_ids=[cluster.id], theme=theme)
        names = {m.id: plain_name(m) for m in await members_of(turn.session, cluster=cluster)}

        def source(lesson: Lesson) -> str:
            return names.get(lesson.member_id, "") if lesson.member_id else ""

    if not lessons:
        if theme is not None:
            raise DomainError("lessons.none_theme", theme=theme_label(turn.lang, theme))
        raise DomainError("lessons.none")
    counts = await useful_counts(turn.session, lesson_ids=[x.id for x in lessons if x.id])
    by_theme: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_theme[lesson.theme or ""].append(lesson)
    order = [th.value for th in Theme] + [""]
    title_key = "lessons.list_title_all" if turn.is_private else "lessons.list_title"
    lines: list[str] = [turn.t(title_key, count=len(lessons))]
    top = await most_useful(turn.session, limit=TOP_USEFUL)
    if top:
        cluster_titles = {
            c.id: c.title
            for c in (
                await turn.session.exec(
                    select(Cluster).where(col(Cluster.id).in_({x.cluster_id for x, _ in top}))
                )
            ).all()
        }
        lines += ["", turn.t("lessons.most_useful")]
        lines += [
            turn.t(
                "lessons.useful_line",
                text=_clip(lesson.text, 200),
                cluster=cluster_titles.get(lesson.cluster_id, ""),
                votes=votes,
            )
            for lesson, votes in top
        ]
    shown: list[Lesson] = []
    for key in sorted(by_theme, key=lambda k: order.index(k) if k in order else len(order)):
        lines.append("")
        lines.append(turn.t("lessons.theme_heading", theme=theme_label(turn.lang, key or None)))
        # The most useful first, then the newest.
        ranked = sorted(
            by_theme[key],
            key=lambda x: (-counts.get(x.id or 0, 0), -x.created_at.timestamp(), -(x.id or 0)),
        )
        for lesson in ranked:
            if len(shown) >= MAX_LISTED:
                break
            shown.append(lesson)
            votes = counts.get(lesson.id or 0, 0)
            line = turn.t(
                f"lessons.line_{lesson.kind}"
                if lesson.kind in (LessonKind.LESSON, LessonKind.PRACTICE)
                else "lessons.line_lesson",
                text=_evaluation_prefix(turn, lesson) + lesson.text,
                source=source(lesson) or "—",
                date=short_date(lesson.created_at.astimezone(turn.tz).date(), turn.lang),
            )
            lines.append(f"{line} · 👍 {votes}" if votes else line)
    if len(shown) < len(lessons):
        lines.append("")
        lines.append(turn.tn("lessons.more", len(lessons) - len(shown)))
    keyboard = [
        [
            InlineKeyboardButton(
                f"👍 {_clip(lesson.text, BUTTON_TEXT)}",
                callback_data=f"{BUTTON_PREFIX}:up:{lesson.id}",
            )
        ]
        for lesson in shown[:MAX_BUTTONS]
    ]
    await turn.reply("\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _evaluation_prefix(turn: Turn, lesson: Lesson) -> str:
    """An answer to the evaluation questions says which question it answers."""
    if not lesson.question:
        return ""
    return f"{turn.t(f'evaluation.question.{lesson.question}')} "


async def useful(turn: Turn) -> None:
    """👍 under a lesson: one per person, counted across clusters."""
    query = turn.query
    assert query is not None and turn.user is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[1] != "up" or not parts[2].isdigit():
        raise DomainError("lessons.unknown")
    if not turn.is_private and turn.cluster is None:
        raise DomainError("cluster.not_registered")
    _, count, new = await mark_useful(
        turn.session, lesson_id=int(parts[2]), user_id=turn.user.id, now=turn.now
    )
    key = "lessons.useful_thanks" if new else "lessons.useful_already"
    await query.answer(callback_text(turn.t(key, votes=count)))


def register(app: App) -> None:
    app.add_handlers(
        [
            command("leerpunt", record_lesson_learned),
            command("praktijkvoorbeeld", record_practice),
            command("leerpunten", list_lessons),
            button(BUTTON_PREFIX, useful, role=Role.ANYONE),
        ]
    )
