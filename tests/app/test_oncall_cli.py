"""`smsapp oncall set|show|override` and `smsapp groups policy`: an operator puts people
on call and sets who a group's cases reach; a policy that reaches nobody is refused."""

from __future__ import annotations

from typing import Any

from tests.app.test_operator_cli import smsapp  # noqa: F401  (the CLI fixture)


def test_the_rota_is_set_shown_and_overridden(smsapp: Any, world: Any) -> None:  # noqa: F811
    code, out, err = smsapp(
        "oncall", "set", "--organisation", "Harbor Peer Support",
        "--shift", "bob@example.org", "mon-fri 18:00-08:00",
        "--shift", "carol@example.org", "sat-sun 00:00-24:00",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    assert "Monday: Bob, 6:00 PM to 8:00 AM the next day" in out
    assert "Saturday: Carol, all day" in out
    assert "gap: nobody on call Monday 12:00 AM to Monday 6:00 PM" in out
    code, out, err = smsapp(
        "oncall", "override", "--organisation", "Harbor Peer Support",
        "--email", "alice@example.org", "--from", "2026-03-02 14:00", "--to", "2026-03-02 16:00",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = smsapp("oncall", "show", "--organisation", "Harbor Peer Support")
    assert "on call now: Alice" in out and "override 1: Alice from 2026-03-02 14:00" in out
    code, _, err = smsapp(
        "oncall", "set", "--organisation", "Harbor Peer Support",
        "--shift", "bob@example.org", "weekdays 9-5",
    )  # fmt: skip
    assert code == 1 and err.startswith("smsapp: --shift: 'weekdays 9-5': write days and hours")


def test_a_policy_that_reaches_nobody_is_refused(smsapp: Any, world: Any) -> None:  # noqa: F811
    org = ("--organisation", "Harbor Peer Support")
    to_bob = ("--level", "facilitators", "--level", "person=bob@example.org")
    assert smsapp("groups", "policy", *org, "--group", "calm", *to_bob)[0] == 0
    code, _, err = smsapp("oncall", "set", *org)  # nobody on call any more
    assert code == 0, err
    code, _, err = smsapp("groups", "policy", *org, "--group", "calm",
                          "--level", "on-call", "--level", "on-call")  # fmt: skip
    assert code == 1
    assert err.startswith("smsapp: This policy would reach nobody")
    assert "nobody is on the on-call rota" in err
