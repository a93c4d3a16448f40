"""Command and timer handlers: the core's decisions, run as units of work."""
