"""Scheduling: wakes the core when its timers (escalations, return reminders) are due."""
