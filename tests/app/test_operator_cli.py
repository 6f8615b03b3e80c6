"""The operator CLI sets a server up by script: exit 0 on success, otherwise non-zero and
one line that names the option at fault."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from smsapp import cli, commands
from smsapp.models import ConsentRecord, Group, Member, Organisation, SendingNumber, User
from smsapp.services.core import directory
from tests.factories import PASSWORD


@pytest.fixture
def smsapp(runtime: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `smsapp ARGS…` in-process against the test database; returns (code, out, err)."""
    monkeypatch.setattr(commands, "make_runtime", lambda: runtime)

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(stdin))
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse refuses a missing or unknown option
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _org_with_group(smsapp: Any) -> None:
    assert smsapp("orgs", "create", "Harbor", "--number", "+15005550010")[0] == 0
    smsapp(
        "users",
        "create",
        "--role",
        "facilitator",
        "--email",
        "alice@harbor.example",
        "--name",
        "Alice",
        "--organisation",
        "Harbor",
        "--phone",
        "+12025550101",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    code, out, err = smsapp(
        "groups",
        "create",
        "--organisation",
        "Harbor",
        "--name",
        "Hope Circle",
        "--code",
        "hope42",
        "--timezone",
        "America/New_York",
        "--facilitator",
        "alice@harbor.example",
    )
    assert (code, err) == (0, ""), err
    assert "HOPE42" in out


def _someone_on_call(smsapp: Any, org: str) -> None:
    """A coordinator with a phone on call all week: a group's cases can reach a person."""
    email = f"oncall@{org.lower()}.example"
    smsapp(
        "users", "create", "--role", "coordinator", "--email", email, "--name", "On Call",
        "--organisation", org, "--phone", "+12025550188", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    code, _, err = smsapp(
        "oncall", "set", "--organisation", org, "--shift", email, "daily 00:00-24:00"
    )
    assert code == 0, err


def test_orgs_create_owns_its_numbers_and_lists_them(smsapp: Any, runtime: Any) -> None:
    code, out, _ = smsapp(
        "orgs",
        "create",
        "Harbor Peer Support",
        "--number",
        "+15005550010",
        "--number",
        "12345",
        "--country",
        "gb",
        "--timezone",
        "Europe/London",
    )
    assert code == 0 and "+15005550010" in out
    with runtime.session() as s:
        org = s.scalar(select(Organisation))
        assert (org.name, org.country, org.tz) == ("Harbor Peer Support", "GB", "Europe/London")
        numbers = {n.address: n.kind for n in s.scalars(select(SendingNumber))}
    assert numbers == {"+15005550010": "long_code", "12345": "short_code"}
    code, out, _ = smsapp("orgs", "list")
    assert code == 0 and "Harbor Peer Support\tGB\tEurope/London\t+15005550010,12345" in out


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["Beacon", "--number", "+1555"], "--number"),
        (["Beacon", "--number", "not-a-number"], "--number"),
        (["Beacon", "--number", "+15005550099", "--country", "XX"], "--country"),
        (["Beacon", "--number", "+15005550099", "--timezone", "Mars/Olympus"], "--timezone"),
        (["Other", "--number", "+15005550010"], "--number"),  # owned by Harbor already
        (["harbor", "--number", "+15005550099"], "NAME"),  # the name is taken
    ],
)
def test_orgs_create_refusals_name_the_option(smsapp: Any, argv: list[str], option: str) -> None:
    assert smsapp("orgs", "create", "Harbor", "--number", "+15005550010")[0] == 0
    code, out, err = smsapp("orgs", "create", *argv)
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"smsapp: {option}:"), err


def test_a_missing_number_is_refused_by_the_parser(smsapp: Any) -> None:
    code, _, err = smsapp("orgs", "create", "Harbor")
    assert code != 0 and "--number" in err.strip().splitlines()[-1]


def test_groups_create_makes_the_named_accounts_its_facilitators(smsapp: Any, runtime: Any) -> None:
    _org_with_group(smsapp)
    with runtime.session() as s:
        group = s.scalar(select(Group))
        alice = s.scalar(select(User))
        assert (group.code, group.tz) == ("HOPE42", "America/New_York")
        assert [g.id for g in alice.groups] == [group.id]


def test_groups_create_without_a_code_generates_one_nobody_can_guess(
    smsapp: Any, runtime: Any
) -> None:
    smsapp("orgs", "create", "Harbor", "--number", "+15005550010", "--timezone", "Europe/Madrid")
    _someone_on_call(smsapp, "Harbor")
    for _ in range(2):
        assert smsapp("groups", "create", "--organisation", "Harbor", "--name", "G")[0] == 0
    with runtime.session() as s:
        groups = list(s.scalars(select(Group)))
    codes = {g.code for g in groups}
    assert len(codes) == 2 and all(len(c) >= 8 and c.isalnum() for c in codes)
    assert {g.tz for g in groups} == {"Europe/Madrid"}  # the organisation's zone


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--organisation", "Nowhere", "--name", "G", "--code", "GROUP1"], "--organisation"),
        (["--organisation", "Harbor", "--name", "G", "--code", "AB"], "--code"),
        (["--organisation", "Harbor", "--name", "G", "--code", "HOPE42"], "--code"),
        (["--organisation", "Harbor", "--name", " ", "--code", "GROUP1"], "--name"),
        (["--organisation", "Harbor", "--name", "G", "--timezone", "Nowhere/X"], "--timezone"),
        (["--organisation", "Harbor", "--name", "G", "--facilitator", "x@y.z"], "--facilitator"),
    ],
)
def test_groups_create_refusals_name_the_option(smsapp: Any, argv: list[str], option: str) -> None:
    _org_with_group(smsapp)
    code, _, err = smsapp("groups", "create", *argv)
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith(f"smsapp: {option}:"), err


def test_members_add_makes_an_active_member_with_an_operator_consent_record(
    smsapp: Any, runtime: Any
) -> None:
    _org_with_group(smsapp)
    code, _, err = smsapp(
        "members",
        "add",
        "--organisation",
        "Harbor",
        "--group",
        "HOPE42",
        "--phone",
        "+12025550111",
        "--name",
        "Sam Rivera",
        "--language",
        "es",
    )
    assert (code, err) == (0, "")
    with runtime.session() as s:
        member = s.scalar(select(Member))
        consent = s.scalar(select(ConsentRecord))
        assert (member.status, member.language, member.name) == ("active", "es", "Sam Rivera")
        assert member.phone_hash == directory.phone_hash("+12025550111")
        assert (consent.kind, consent.method) == ("opt_in", "operator")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--organisation", "Nowhere", "--group", "HOPE42"], "--organisation"),
        (["--organisation", "Harbor", "--group", "NOPE99"], "--group"),
        (["--organisation", "Harbor", "--group", "HOPE42", "--phone", "+1555"], "--phone"),
        (["--organisation", "Harbor", "--group", "HOPE42", "--name", " "], "--name"),
    ],
)
def test_members_add_refusals_name_the_option(smsapp: Any, argv: list[str], option: str) -> None:
    _org_with_group(smsapp)
    defaults = {"--phone": "+12025550111", "--name": "Sam"}
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    code, _, err = smsapp("members", "add", *argv)
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith(f"smsapp: {option}:"), err


def test_the_same_phone_may_be_a_member_of_two_organisations(smsapp: Any, runtime: Any) -> None:
    _org_with_group(smsapp)
    smsapp("orgs", "create", "Beacon", "--number", "+15005550020")
    _someone_on_call(smsapp, "Beacon")
    smsapp("groups", "create", "--organisation", "Beacon", "--name", "B", "--code", "BEACON1")
    for org, group in (("Harbor", "HOPE42"), ("Beacon", "BEACON1")):
        code, _, err = smsapp(
            "members",
            "add",
            "--organisation",
            org,
            "--group",
            group,
            "--phone",
            "+12025550111",
            "--name",
            "Sam",
        )
        assert (code, err) == (0, "")
    code, _, err = smsapp(
        "members",
        "add",
        "--organisation",
        "Beacon",
        "--group",
        "BEACON1",
        "--phone",
        "+12025550111",
        "--name",
        "Sam again",
    )
    assert code != 0 and err.startswith("smsapp: --phone:")
    with runtime.session() as s:
        assert len(list(s.scalars(select(Member)))) == 2


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--email", "not-an-email"], "--email"),
        (["--email", "alice@harbor.example"], "--email"),  # taken
        (["--phone", "+1555"], "--phone"),
        (["--phone", "+12025550101"], "--phone"),  # another Harbor account has it
        (["--name", " "], "--name"),
    ],
)
def test_users_create_refusals_name_the_option(smsapp: Any, argv: list[str], option: str) -> None:
    assert smsapp("orgs", "create", "Harbor", "--number", "+15005550010")[0] == 0
    smsapp(
        "users", "create", "--role", "facilitator", "--email", "alice@harbor.example",
        "--name", "Alice", "--organisation", "Harbor", "--phone", "+12025550101",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    defaults = {"--email": "bo@harbor.example", "--name": "Bo", "--phone": "+12025550109"}
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    code, _, err = smsapp(
        "users", "create", "--role", "facilitator", "--organisation", "Harbor",
        "--password-stdin", *argv, stdin=PASSWORD + "\n",
    )  # fmt: skip
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith(f"smsapp: {option}:"), err


def test_a_staff_phone_may_serve_two_organisations(smsapp: Any, runtime: Any) -> None:
    for org, number in (("Harbor", "+15005550010"), ("Beacon", "+15005550020")):
        smsapp("orgs", "create", org, "--number", number)
        code, _, err = smsapp(
            "users", "create", "--role", "facilitator", "--email", f"alex@{org.lower()}.example",
            "--name", "Alex", "--organisation", org, "--phone", "+12025550101",
            "--password-stdin", stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert (code, err) == (0, "")
    with runtime.session() as s:
        users = list(s.scalars(select(User)))
    assert len({u.organisation_id for u in users}) == 2
    assert {u.phone for u in users} == {"+12025550101"}
