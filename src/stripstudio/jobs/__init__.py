"""Queued work of the studio server: the queue, the job life cycle, the runners and the event bus."""
