"""Domain services: members, groups, check-ins, meetings and their planning, RSVPs,
escalation, privacy and the risk screen. They import core services, never conversation code.
"""
