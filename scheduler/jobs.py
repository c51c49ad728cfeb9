"""What python-telegram-bot's JobQueue triggers: the sweep, and the planning of digests.

The JobQueue only triggers; everything that must survive a restart is a row. A process that
starts plans the digests that are missing, and its first sweep sends what was missed while it
was down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext

from models.db import SessionMaker
from scheduler.clock import Clock
from scheduler.sweep import Deliver, SweepReport, plan_digests, sweep

__all__ = ["DIGEST_PLANNING_INTERVAL", "Sweeper", "register", "sweeper_of", "tick"]

log = logging.getLogger(__name__)

SWEEPER_KEY = "sweeper"
DIGEST_PLANNING_INTERVAL = 3600.0


@dataclass(frozen=True)
class Sweeper:
    """What the jobs need, kept in `bot_data` so tests can run the very same work now."""

    sessions: SessionMaker
    clock: Clock
    deliver: Deliver

    async def sweep(self) -> SweepReport:
        return await sweep(self.sessions, self.deliver, self.clock)

    async def plan_digests(self) -> int:
        return await plan_digests(self.sessions, now=self.clock.now())


def register(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    deliver: Deliver,
    interval: float,
    sessions: SessionMaker,
    clock: Clock,
    digest_interval: float = DIGEST_PLANNING_INTERVAL,
) -> Sweeper:
    """Schedule the sweep every `interval` seconds and the digest planning at start and hourly.

    The first sweep waits one interval, so start-up (and a test that drives the sweep itself)
    is not raced by it; overlapping runs are skipped, not queued.
    """
    sweeper = Sweeper(sessions=sessions, clock=clock, deliver=deliver)
    app.bot_data[SWEEPER_KEY] = sweeper
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    queue.run_repeating(
        _sweep_job, interval=interval, first=interval, name="nudge-sweep", job_kwargs=once
    )
    queue.run_repeating(
        _digest_job, interval=digest_interval, first=0, name="digest-planning", job_kwargs=once
    )
    return sweeper


def sweeper_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Sweeper:
    sweeper = app.bot_data[SWEEPER_KEY]
    assert isinstance(sweeper, Sweeper)
    return sweeper


async def tick(app: Application[Any, Any, Any, Any, Any, Any]) -> SweepReport:
    """Both jobs' work, now: what a test calls instead of waiting for the JobQueue."""
    sweeper = sweeper_of(app)
    await sweeper.plan_digests()
    return await sweeper.sweep()


async def _sweep_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        report = await sweeper_of(context.application).sweep()
    except Exception:  # the next run tries again; the rows hold the state
        log.exception("the nudge sweep failed")
        return
    if report.handled:
        log.info("sweep: %s", report)


async def _digest_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        planned = await sweeper_of(context.application).plan_digests()
    except Exception:
        log.exception("planning the weekly digests failed")
        return
    if planned:
        log.info("planned the digest of %s cluster(s)", planned)
