"""`smsapp demo`: migrate, seed, and run the web app, the worker and the tick in one process.

Redis is the in-process stand-in shared by every thread (smsapp.runtime._redis), and
texts go to the local transport, so nothing here needs an account or a network.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty
from werkzeug.serving import BaseWSGIServer, make_server

from smsapp import create_app, migrate, runtime_of
from smsapp.config import Settings
from smsapp.demo.seed import Demo, seed
from smsapp.jobs.queues import all_queues
from smsapp.jobs.tick import tick
from smsapp.runtime import Runtime
from smsapp.sandbox import timeline

log = logging.getLogger(__name__)
DEMO_AUTH_TOKEN = "demo-auth-token"
THINGS_TO_TRY = (
    "text 2 as Sam (the member phone) and read the check-in answer",
    "text 'I can't do this anymore' as Sam and watch the facilitator phone",
    'jump to the next meeting reminder (press "Next event" until it arrives)',
)


class _ThreadWorker(SimpleWorker):
    """A SimpleWorker on a thread: signals belong to the main thread (Ctrl-C stops it).

    Job timeouts use a timer thread, not SIGALRM, which only the main thread may set.
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        return None


@dataclass
class DemoServer:
    app: Flask
    runtime: Runtime
    server: BaseWSGIServer
    demo: Demo
    stop: threading.Event
    threads: list[threading.Thread]

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def shutdown(self) -> None:
        self.stop.set()
        self.server.shutdown()
        for thread in self.threads:
            thread.join(timeout=5)


def demo_settings(port: int, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment; a local base URL and auth token unless given."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("TWILIO_AUTH_TOKEN", DEMO_AUTH_TOKEN)
    env.setdefault("SMSAPP_TICK_SECONDS", "1")
    return Settings.from_env(env)


def start(settings: Settings, *, host: str = "127.0.0.1", port: int = 5000) -> DemoServer:
    """Build, migrate and seed, then serve the app and run the worker and tick threads."""
    app = create_app(settings)
    runtime = runtime_of(app)
    migrate.upgrade(runtime.engine)
    with runtime.session() as session:
        demo = seed(session, settings, runtime.now())
        session.commit()
    server = make_server(host, port, app, threaded=True)
    stop = threading.Event()
    threads = [
        _thread("web", server.serve_forever),
        _thread("worker", lambda: _work_loop(runtime, stop)),
        _thread("tick", lambda: _tick_loop(runtime, demo, stop)),
    ]
    return DemoServer(app, runtime, server, demo, stop, threads)


def _thread(name: str, target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, name=f"demo-{name}", daemon=True)
    thread.start()
    return thread


def _work_loop(runtime: Runtime, stop: threading.Event) -> None:
    worker = _ThreadWorker(all_queues(runtime), connection=runtime.redis)
    while not stop.wait(0.3):
        try:
            worker.work(burst=True, logging_level="WARNING")
        except Exception:  # a failing job must not end the demo
            log.exception("demo.worker_failed")


def _tick_loop(runtime: Runtime, demo: Demo, stop: threading.Event) -> None:
    group_id = demo.sandbox.group_id
    while not stop.wait(runtime.settings.tick_seconds):
        try:
            tick(runtime)
            # Sandbox time runs ahead after a jump: fire what has come due on it.
            timeline.fire_due(timeline.sandbox_runtime(runtime, group_id), group_id)
        except Exception:
            log.exception("demo.tick_failed")


def banner(server: DemoServer) -> str:
    """What to print: where to go, how to log in, and three things to try."""
    lines = [
        "",
        "smsapp demo is running (local texts only; nothing reaches Twilio).",
        f"  Console:   {server.url}/console/",
        f"  Simulator: {server.url}/console/simulator",
        "  Logins:",
        *(f"    {role:<12} {email}  password: {pw}" for email, pw, role in server.demo.logins),
        "  Three things to try in the simulator:",
        *(f"    {n}. {thing}" for n, thing in enumerate(THINGS_TO_TRY, start=1)),
        f"  Webhook: POST {server.runtime.settings.public_base_url}/twilio/sms "
        "(signed with TWILIO_AUTH_TOKEN)",
        "  Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def run(port: int = 5000, host: str = "127.0.0.1") -> int:
    """The `smsapp demo` command: run until Ctrl-C."""
    server = start(demo_settings(port), host=host, port=port)
    try:  # Ctrl-C may come while the banner is still being written
        print(banner(server), flush=True)
        server.stop.wait()
    except KeyboardInterrupt:
        print("\nstopping the demo…", flush=True)
    finally:
        server.shutdown()
    return 0
