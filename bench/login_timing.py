"""Console login timing: a wrong password for a real account vs an unknown email.

    .venv/bin/python bench/login_timing.py [--tries 20]

Runs the real app (SQLite, in-process Redis) through Flask's test client, each attempt
from a new client address so no lockout interferes, and prints the median and p90 of
each kind. Equal figures mean the time taken does not tell which emails exist.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smsapp import create_app, runtime_of  # noqa: E402
from smsapp.commands.users import create_user  # noqa: E402
from smsapp.config import Settings  # noqa: E402
from smsapp.migrate import upgrade  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="test", secret_key="bench", instance_path=Path(tmp))
        app = create_app(settings)
        app.config["WTF_CSRF_ENABLED"] = False
        runtime = runtime_of(app)
        upgrade(runtime.engine)
        create_user(runtime, role="coordinator", email="known@example.org", name="Known",
                    organisation="Bench", password="the right password")  # fmt: skip
        client = app.test_client()
        times: dict[str, list[float]] = {"known email": [], "unknown email": []}
        for n in range(args.tries):
            for kind, email in (("known email", "known@example.org"),
                                ("unknown email", f"nobody{n}@example.org")):  # fmt: skip
                started = time.perf_counter()
                response = client.post(
                    "/console/login",
                    data={"email": email, "password": "a wrong password"},
                    environ_base={"REMOTE_ADDR": f"10.{n // 250}.{n % 250}.{len(kind)}"},
                )
                times[kind].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 401, response.status_code
    for kind, values in times.items():
        ordered = sorted(values)
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"{kind:14} median {statistics.median(values):6.1f} ms   p90 {p90:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
