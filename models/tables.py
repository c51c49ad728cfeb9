"""Every table, imported in one place so `SQLModel.metadata` is complete for Alembic."""

from models.actions import Action, ActionMunicipality
from models.agreements import Agreement
from models.audit import AuditEvent
from models.clusters import Cluster, Member, Municipality
from models.lessons import Evaluation, Lesson, LessonVote
from models.meetings import AgendaItem, Meeting, MeetingPoll, PollOption, PollVote
from models.nudges import Nudge
from models.topics import Topic

__all__ = [
    "Action",
    "ActionMunicipality",
    "AgendaItem",
    "Agreement",
    "AuditEvent",
    "Cluster",
    "Evaluation",
    "Lesson",
    "LessonVote",
    "Meeting",
    "MeetingPoll",
    "Member",
    "Municipality",
    "Nudge",
    "PollOption",
    "PollVote",
    "Topic",
]
