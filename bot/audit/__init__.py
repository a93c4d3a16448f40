"""Audit: the hash chain, the state of figures and people bound into it, anchors, retention."""
