"""`smsapp demo` serves the real webhook (a text signed the way Twilio signs it gets HELP)
and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from smsapp.demo import runner
from smsapp.models import Group, Member

TOKEN = "demo-test-token"
PUBLIC = "https://sms.demo.example"  # Twilio signs the public URL, not the local one


@pytest.fixture
def demo(tmp_path):
    # A database of its own: the demo refuses one that holds the other tests' members.
    env = {"SMSAPP_INSTANCE_PATH": str(tmp_path), "TWILIO_AUTH_TOKEN": TOKEN}
    env["PUBLIC_BASE_URL"] = PUBLIC
    server = runner.start(runner.demo_settings(0, env), port=0)
    yield server
    server.shutdown()


def _post(server: runner.DemoServer, form: dict[str, str], signature: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{server.url}/twilio/sms",
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_the_running_demo_answers_a_signed_help_and_refuses_a_forged_text(demo):
    with demo.runtime.session() as s:
        sam_like = s.scalar(
            select(Member)
            .join(Group, Group.id == Member.group_id)
            .where(Group.code == "HOPE", Member.language == "en")
            .order_by(Member.id)
        )
        phone = sam_like.phone
    form = {
        "MessageSid": "SM" + "d" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+15005550006",
        "Body": "HELP",
    }
    signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}/twilio/sms", form)

    status, body = _post(demo, form, signature)
    assert status == 200
    replies = [m.text or "" for m in ElementTree.fromstring(body).iter("Message")]
    assert replies and "Riverside Check-ins" in replies[0]
    assert "hello@riverside.example" in replies[0] and "STOP" in replies[0]

    forged, _ = _post(demo, {**form, "Body": "STOP"}, signature)
    assert forged == 403

    with urllib.request.urlopen(f"{demo.url}/healthz", timeout=10) as response:
        assert response.status == 200
    assert f"{demo.url}/console/simulator" in runner.banner(demo)


def test_ctrl_c_stops_the_demo_command_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SMSAPP_INSTANCE_PATH"] = str(tmp_path)
    command = [str(Path(sys.executable).with_name("smsapp")), "demo", "--port", "0"]
    errors = (tmp_path / "stderr.log").open("w")
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
    watchdog = threading.Timer(60, proc.kill)  # a hung demo fails the test, never the run
    watchdog.start()
    try:
        assert proc.stdout is not None
        seen = list(_until(proc.stdout, "Press Ctrl-C"))
        assert any("/console/simulator" in line for line in seen)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    finally:
        watchdog.cancel()
        errors.close()
    assert proc.returncode == 0
    assert "stopping the demo" in rest
    logged = (tmp_path / "stderr.log").read_text()
    assert "Traceback" not in logged and '"level": "ERROR"' not in logged


def _until(stream, marker):
    for line in stream:
        yield line
        if marker in line:
            return
    raise AssertionError(f"the demo exited before printing {marker!r}")
