import pytest

from smsapp.flows.segments import segment_info


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "chars", "forcing"),
    [
        ("", "GSM-7", 0, 0, None),
        ("Hi Ana, how are you today?", "GSM-7", 1, 26, None),
        ("a" * 160, "GSM-7", 1, 160, None),
        ("a" * 161, "GSM-7", 2, 161, None),
        ("a" * 306, "GSM-7", 2, 306, None),
        ("a" * 307, "GSM-7", 3, 307, None),
        ("Price: 5€ [room]", "GSM-7", 1, 19, None),  # € [ ] cost two each
        ("{" * 80, "GSM-7", 1, 160, None),
        ("{" * 81, "GSM-7", 2, 162, None),
        ("¿Vienes? ¡Genial! mañana", "GSM-7", 1, 24, None),
        ("Great, see you 👍", "UCS-2", 1, 17, "👍"),
        ("You’re welcome", "UCS-2", 1, 14, "’"),
        ("a" * 69 + "’", "UCS-2", 1, 70, "’"),
        ("a" * 70 + "’", "UCS-2", 2, 71, "’"),
        ("¿Cómo estás?", "UCS-2", 1, 12, "ó"),
        ("a" * 66 + "👍", "UCS-2", 1, 68, "👍"),
        ("a" * 133 + "👍", "UCS-2", 3, 135, "👍"),  # the emoji is never split across parts
    ],
)
def test_segment_info(text, encoding, segments, chars, forcing):
    info = segment_info(text)
    assert (info.encoding, info.segments, info.chars, info.ucs2_char) == (
        encoding,
        segments,
        chars,
        forcing,
    )
