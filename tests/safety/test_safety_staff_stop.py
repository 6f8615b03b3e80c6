"""A facilitator who texts STOP gets no more escalation texts; START turns them back on."""

from __future__ import annotations


def test_facilitator_stop_and_start(phones, world):
    assert "no more alerts" in phones.text("alice", "STOP")
    phones.text("sam", "TALK")
    phones.drain()
    assert phones.received("alice") == []
    assert "on again" in phones.text("alice", "START")
    phones.text("maria", "TALK")
    phones.drain()
    assert len(phones.received("alice")) == 1
