"""Reads of the outbox."""

from outbox.models import Message


def backlog() -> int:
    """Messages not yet sent nor given up: what the worker still has to do (the metric
    smittesporing_outbox_backlog). Served by the partial index on pending messages."""
    return Message.objects.filter(status=Message.Status.PENDING).count()
