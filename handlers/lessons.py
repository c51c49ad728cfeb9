"""Lessons learned and practice examples: recorded in a cluster, read in every cluster.

`/leerpunten` in a group lists that cluster's; in a private chat the facilitator sees those of
all their clusters by theme, so a good practice of one cluster reaches the others.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from sqlmodel import select

from handlers.arguments import theme_of
from handlers.i18n import has, t
from handlers.render import plain_name, short_date
from handlers.runtime import App
from handlers.turn import Turn, command
from models import reports
from models.actions import Theme
from models.clusters import Cluster, fold, members_of
from models.errors import DomainError
from models.lessons import Lesson, LessonKind, lessons_of, record_lesson
from models.topics import Topic

# The canonical theme words, for suggesting the closest one after a typo.
THEME_WORDS = [theme.value for theme in Theme] + [
    "energy", "mobility", "circular", "communication", "participation", "other",
]  # fmt: skip
_HASHTAG = re.compile(r"(?<![\w#])#([\w-]+)")
MAX_LISTED = 60


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
    by_theme: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_theme[lesson.theme or ""].append(lesson)
    order = [th.value for th in Theme] + [""]
    title_key = "lessons.list_title_all" if turn.is_private else "lessons.list_title"
    lines: list[str] = [turn.t(title_key, count=len(lessons))]
    shown = 0
    for key in sorted(by_theme, key=lambda k: order.index(k) if k in order else len(order)):
        lines.append("")
        lines.append(turn.t("lessons.theme_heading", theme=theme_label(turn.lang, key or None)))
        for lesson in reversed(by_theme[key]):  # newest first within a theme
            if shown >= MAX_LISTED:
                break
            shown += 1
            lines.append(
                turn.t(
                    f"lessons.line_{lesson.kind}"
                    if lesson.kind in (LessonKind.LESSON, LessonKind.PRACTICE)
                    else "lessons.line_lesson",
                    text=lesson.text,
                    source=source(lesson) or "—",
                    date=short_date(lesson.created_at.astimezone(turn.tz).date(), turn.lang),
                )
            )
    if shown < len(lessons):
        lines.append("")
        lines.append(turn.tn("lessons.more", len(lessons) - shown))
    await turn.reply("\n".join(lines))


def register(app: App) -> None:
    app.add_handlers(
        [
            command("leerpunt", record_lesson_learned),
            command("praktijkvoorbeeld", record_practice),
            command("leerpunten", list_lessons),
        ]
    )
