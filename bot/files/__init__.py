"""Files on requests: an encrypted, content-addressed blob store, their limits, and the
commands that attach, list and re-send them."""
