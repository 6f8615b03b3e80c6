"""An SMTP server on loopback that keeps what it is sent (for mail the console sends).

It speaks the part of RFC 5321 smtplib uses without TLS or login: EHLO/HELO, MAIL, RCPT,
DATA (dot-unstuffed), RSET, NOOP, QUIT.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self._say("220 stand-in ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self._say("250 stand-in")
            elif verb == b"MAIL":
                recipients = []
                self._say("250 ok")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self._say("250 ok")
            elif verb == b"DATA":
                self._say("354 end with .")
                self.server.received.append(self._data())
                self._say("250 queued")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")

    def _data(self) -> Message:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines))

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    received: list[Message]


@contextmanager
def serve_smtp() -> Iterator[_Server]:
    """A running server; `.server_address[1]` is its port, `.received` its mail."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def mailing_through(settings: Any, server: _Server) -> Any:
    """`settings` sending the console's mail through this stand-in."""
    return settings.with_(
        smtp_host="127.0.0.1",
        smtp_port=server.server_address[1],
        smtp_starttls=False,
        mail_from="console@example.org",
    )
