"""Schemathesis against the generated OpenAPI document, as a coordinator.

Every operation gets generated requests, valid ones and invalid ones; each answer must be
no 5xx, a documented status code, and a body that matches the documented schema (all of
schemathesis's checks). Bounded (a fixed seed, 25 examples per operation and mode) so it
runs the same way in CI on every database.

The operations are driven through `as_strategy` rather than `from_fixture`: schemathesis'
lazy pytest loader reads a node attribute pytest 9 no longer has.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from smsapp.services.domain import api_tokens
from tests.factories import World

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def coordinator_token(world: World) -> str:
    with world.runtime.session() as s:
        carol = s.merge(world.users["carol"])
        created = api_tokens.create_token(s, carol, "schemathesis", world.runtime.now())
        s.commit()
        return created.token


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # a broken document is a failure, not a skipped operation
            raise result.err()
        operations.append(result.ok())
    return operations


def _check(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        # Schema-valid is not always meaningful ("es" is a string, not a phone number), so
        # a 422 for such input is right; every other check runs.
        # ignored_auth: our token overrides a generated Authorization header, and the
        # check then takes a 200 for one that ignored a made-up token (seen on PUT
        # /settings, whose fields are all optional). test_api_access.py checks that every
        # route refuses a missing, invalid or revoked token.
        case.call_and_validate(
            headers=headers, excluded_checks=[positive_data_acceptance, ignored_auth]
        )

    run()


# Forty-odd operations take minutes on a busy machine; pytest-timeout's default (120 s)
# would fire inside one operation's examples and read as that operation being flaky.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_to_the_openapi_document(
    api_app: Flask, coordinator_token: str, mode: GenerationMode
) -> None:
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    operations = _operations(api_app)
    assert len(operations) >= 10  # the document really lists the API
    failures = []
    for operation in operations:
        try:
            _check(operation, mode, headers)
        except Exception as exc:  # collect every operation's problems, not only the first
            causes = "".join(f"\n  {c!r}"[:1500] for c in getattr(exc, "exceptions", ()))
            failures.append(f"{operation.label}:\n{exc}{causes}")
    assert not failures, "\n\n".join(failures)
