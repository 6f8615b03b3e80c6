"""Phone numbers are stored as E.164 and only ever shown masked."""

import pytest

from smsapp.phones import InvalidPhone, is_valid_phone, mask_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("+1 415 555 2671", "GB", "+14155552671"),
        ("  4155552671 ", "us", "+14155552671"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("+44 7911 123456", "US", "+447911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("0034 612345678", "ES", "+34612345678"),
        ("+34 912 345 678", "US", "+34912345678"),
    ],
)
def test_normalise_formats(raw: str, region: str, expected: str) -> None:
    assert normalise_phone(raw, region) == expected
    assert is_valid_phone(raw, region)


def test_default_region_is_us() -> None:
    assert normalise_phone("(415) 555-2671") == "+14155552671"


@pytest.mark.parametrize("raw", ["555", "+15551234567", "hello", "", "   ", "12345678901234"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    assert not is_valid_phone(raw)
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_short_invalid_number_is_echoed() -> None:
    with pytest.raises(InvalidPhone, match="'555' is not a valid phone number"):
        normalise_phone("555")


def test_invalid_message_shows_at_most_last_four_digits() -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalise_phone("+1 555 123 4567")
    message = str(caught.value)
    assert message == "'•••• 4567' is not a valid phone number"
    assert "555" not in message


def test_invalid_phone_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        normalise_phone("nope")


@pytest.mark.parametrize(
    ("e164", "masked"),
    [("+14155552671", "•••• 2671"), ("+442079460018", "•••• 0018"), ("+34612345678", "•••• 5678")],
)
def test_mask_phone(e164: str, masked: str) -> None:
    assert mask_phone(e164) == masked


def test_mask_of_tiny_value_shows_nothing() -> None:
    assert mask_phone("123") == "••••"
