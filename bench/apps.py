"""The three WSGI apps the webhook benchmark compares, under the same gunicorn settings."""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from smsapp.db import make_engine

TOKEN = "bench-auth-token"
PUBLIC = "http://127.0.0.1:8000"


def bare() -> Flask:
    app = Flask("bare")

    @app.post("/twilio/sms")
    def sms() -> Response:
        return Response("<Response/>", mimetype="application/xml")

    return app


def durable() -> Flask:
    """The least a durable webhook can do: check the signature, commit one INSERT."""
    app = Flask("durable")
    engine = make_engine(os.environ["DATABASE_URL"])
    validator = RequestValidator(TOKEN)

    @app.post("/twilio/sms")
    def sms() -> Response:
        if not validator.validate(
            PUBLIC + "/twilio/sms", request.form, request.headers.get("X-Twilio-Signature", "")
        ):
            abort(403)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO bench_inbound (sid, body) VALUES (:sid, :body)"),
                {"sid": request.form["MessageSid"], "body": request.form["Body"]},
            )
        return Response("<Response/>", mimetype="application/xml")

    return app


def smsapp_app() -> Flask:
    from smsapp import create_app
    from smsapp.config import Settings

    return create_app(Settings.from_env())
