"""Planning scheduled sends: one member's timers (member_plan) and everyone's (planner)."""
