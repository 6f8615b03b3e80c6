"""Facilitators reach the person: calls through the organisation's number, and (with
escalation) the conversation that follows an acknowledgement."""
