"""Broadcasts: co-chairs' messages to every focal point, with acknowledgements."""
