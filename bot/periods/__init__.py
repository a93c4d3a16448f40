"""Periods of action: opening, windows, deadlines, the periods listed in bot.toml."""
