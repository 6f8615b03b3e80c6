"""Core services: the outbox, timers, consent, the directory, audit, texts and numbers.

They import models, transports and crypto only — never domain or conversation code.
"""
