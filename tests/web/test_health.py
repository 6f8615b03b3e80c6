"""GET /healthz reports database and Redis reachability."""

from __future__ import annotations

import redis


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_redis_down_is_reported(client, runtime):
    runtime.redis = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("error")
    assert response.json["checks"]["database"] == "ok"
