"""What python-telegram-bot's JobQueue triggers: the sweep, and the planning of digests.

The JobQueue only triggers; everything that must survive a restart is a row. Digests are
planned when a cluster is registered, when its settings change and when its digest is sent; a
process that starts (and every few hours after) plans any that are missing, and its first sweep
sends what was missed while it was down. A sweep tick itself only claims due rows, so it costs
the same with ten clusters as with ten thousand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext

from models.db import SessionMaker
from scheduler.clock import Clock
from scheduler.sweep import Deliver, SweepReport, plan_digests, sweep

__all__ = ["Sweeper", "register", "sweeper_of", "tick"]

log = logging.getLogger(__name__)

SWEEPER_KEY = "sweeper"
# The safety net for digests lost between "sent" and planning the next (a crash in between).
DIGEST_PLANNING_INTERVAL = 6 * 3600


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
) -> Sweeper:
    """Plan the missing digests at start-up and every few hours, and run `tick` every
    `interval` seconds.

    The first sweep waits one interval, so start-up (and a test that drives the sweep itself)
    is not raced by it; overlapping runs are skipped, not queued.
    """
    sweeper = Sweeper(sessions=sessions, clock=clock, deliver=deliver)
    app.bot_data[SWEEPER_KEY] = sweeper
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    queue.run_repeating(
        _digest_job,
        interval=DIGEST_PLANNING_INTERVAL,
        first=0,
        name="digest-planning",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    queue.run_repeating(
        _sweep_job,
        interval=interval,
        first=interval,
        name="nudge-sweep",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    return sweeper


def sweeper_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Sweeper:
    sweeper = app.bot_data[SWEEPER_KEY]
    assert isinstance(sweeper, Sweeper)
    return sweeper


async def tick(app: Application[Any, Any, Any, Any, Any, Any]) -> SweepReport:
    """The sweep job's work, now; tests call it instead of waiting for the JobQueue."""
    return await sweeper_of(app).sweep()


async def _sweep_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        report = await tick(context.application)
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
