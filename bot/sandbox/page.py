"""The browser chat's HTTP side, beside the Bot API on the emulator's server.

JSON in, JSON out, and server-sent events for what changes (a message sent or edited, the
clock, a reset). The page itself is static package data: no build step, nothing from a CDN.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def routes(sandbox: Sandbox) -> Callable[[web.Application], None]:
    def add(app: web.Application) -> None:
        api = _Api(sandbox)
        app.router.add_get("/", api.index)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/api/state", api.state)
        app.router.add_get("/api/events", api.events)
        app.router.add_get("/api/commands", _guarded(api.commands))
        app.router.add_get("/api/file/{chat}/{message}", api.file)
        app.router.add_post("/api/send", _guarded(api.send))
        app.router.add_post("/api/press", _guarded(api.press))
        app.router.add_post("/api/topic", _guarded(api.topic))
        app.router.add_post("/api/time", _guarded(api.time))
        app.router.add_post("/api/reset", _guarded(api.reset))

    return add


def _guarded(handler: Handler) -> Handler:
    """A request the sandbox refuses gets its reason as JSON (status 400), nothing else."""
    from bot.sandbox.sandbox import SandboxError

    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except SandboxError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"error": f"bad request: {exc}"}, status=400)
        except TimeoutError:
            return web.json_response({"error": "the bot did not answer in time"}, status=504)

    return guarded


class _Api:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def state(self, request: web.Request) -> web.Response:
        return web.json_response(self.sandbox.state())

    async def events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        await response.prepare(request)
        with self.sandbox.subscription() as queue, contextlib.suppress(ConnectionError):
            await response.write(b": hello\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), 15)
                except TimeoutError:
                    await response.write(b": still here\n\n")
                    continue
                if event.get("type") == "bye":
                    break
                data = json.dumps(event, ensure_ascii=False)
                await response.write(f"data: {data}\n\n".encode())
        return response

    async def commands(self, request: web.Request) -> web.Response:
        sandbox = self.sandbox
        persona = sandbox.persona(request.query.get("persona", ""))
        chat = int(request.query.get("chat", "0"))
        return web.json_response(sandbox.commands(persona, chat))

    async def file(self, request: web.Request) -> web.Response:
        from bot.sandbox.sandbox import SandboxError

        try:
            chat, message = int(request.match_info["chat"]), int(request.match_info["message"])
            name, content = self.sandbox.document(chat, message)
        except (ValueError, SandboxError):
            raise web.HTTPNotFound() from None
        return web.Response(
            body=content,
            content_type=_content_type(name),
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        sandbox = self.sandbox
        await sandbox.say(
            sandbox.persona(str(body["persona"])),
            int(body["chat"]),
            str(body.get("text", "")),
            thread=_optional_int(body.get("thread")),
            reply_to=_optional_int(body.get("reply_to")),
        )
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        sandbox = self.sandbox
        notice = await sandbox.press(
            sandbox.persona(str(body["persona"])),
            int(body["chat"]),
            int(body["message"]),
            str(body["data"]),
        )
        return web.json_response({"ok": True, "notice": notice})

    async def topic(self, request: web.Request) -> web.Response:
        body = await _body(request)
        sandbox = self.sandbox
        thread = await sandbox.create_topic(
            sandbox.persona(str(body["persona"])), int(body["chat"]), str(body.get("name", ""))
        )
        return web.json_response({"ok": True, "thread": thread})

    async def time(self, request: web.Request) -> web.Response:
        """`to`: `morning` (next working morning 9:00), `day`, `week`, or a local moment."""
        from bot.sandbox.sandbox import SandboxError

        body = await _body(request)
        sandbox = self.sandbox
        to = str(body.get("to", ""))
        now = sandbox.clock.now()
        if to == "morning":
            moment = sandbox.next_working_morning()
        elif to == "day":
            moment = now + dt.timedelta(days=1)
        elif to == "week":
            moment = now + dt.timedelta(weeks=1)
        else:
            try:
                moment = dt.datetime.fromisoformat(to)
            except ValueError:
                raise SandboxError(f"not a moment: {to!r} (e.g. 2026-12-07T09:00)") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=sandbox.tz)
        sent = await sandbox.advance_to(moment)
        return web.json_response({"ok": True, "sent": sent, "clock": sandbox.clock_state()})

    async def reset(self, request: web.Request) -> web.Response:
        await self.sandbox.reset()
        return web.json_response({"ok": True})


async def _body(request: web.Request) -> dict[str, Any]:
    # JSON only: a form another web page posts cannot reach the sandbox without asking first.
    if request.content_type != "application/json":
        raise ValueError("send JSON (Content-Type: application/json)")
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body is not a JSON object")
    return body


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _content_type(name: str) -> str:
    return {
        ".ics": "text/calendar",
        ".csv": "text/csv",
        ".md": "text/markdown",
        ".json": "application/json",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(Path(name).suffix.lower(), "application/octet-stream")
