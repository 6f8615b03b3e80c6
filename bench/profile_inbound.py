"""Where the CPU of one inbound check-in reply goes (in-process, no HTTP server).

    .venv/bin/python bench/profile_inbound.py [--requests 1000] [--no-profile]

Uses DATABASE_URL / REDIS_URL when set (else SQLite + in-process Redis).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_bench import AUTH_TOKEN, BENCH_NUMBER, PUBLIC, seed_waiting_checkins  # noqa: E402

from smsapp import create_app  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime, phones = seed_waiting_checkins(tmp, args.requests)
        app = create_app(runtime.settings, engine=runtime.engine, redis=runtime.redis)
        client = app.test_client()
        validator = RequestValidator(AUTH_TOKEN)
        forms = [
            {"MessageSid": f"SMprof{i:026d}", "From": p, "To": BENCH_NUMBER, "Body": "3"}
            for i, p in enumerate(phones)
        ]
        signed = [(f, validator.compute_signature(PUBLIC + "/twilio/sms", f)) for f in forms]
        profiler = cProfile.Profile()
        start = time.perf_counter()
        if not args.no_profile:
            profiler.enable()
        for form, signature in signed:
            response = client.post(
                "/twilio/sms",
                data=urlencode(form),
                content_type="application/x-www-form-urlencoded",
                headers={"X-Twilio-Signature": signature},
            )
            assert response.status_code == 200
        profiler.disable()
        elapsed = time.perf_counter() - start
        print(
            f"{args.requests} check-in replies: "
            f"{elapsed / args.requests * 1000:.2f} ms each (CPU + DB)"
        )
        if not args.no_profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
