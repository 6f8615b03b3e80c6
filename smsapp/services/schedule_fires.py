"""Timer handlers for reminders and check-ins (placeholder until the scheduling work lands)."""
