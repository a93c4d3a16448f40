"""FocalPoint core: the single async core that knows no chat platform."""
