"""Assistance requests between countries: filing, acknowledging, replies, referral, escalation."""
