"""Thin RQ entry points: they take ids, reload rows, claim them and call a service."""
