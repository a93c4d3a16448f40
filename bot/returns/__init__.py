"""Returns: each country's figures for a reporting window, metrics, guided forms, reminders."""
