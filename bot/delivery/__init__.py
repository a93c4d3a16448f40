"""Delivery: the durable outbox, routing people to channel addresses, fallback channels."""
