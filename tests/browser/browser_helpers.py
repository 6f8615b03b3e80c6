"""What the browser tests share: signing in, measuring overflow, saving screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


def log_in(page: Any, who: str) -> None:
    """Sign in through the real login form as tests.factories' `who`."""
    page.goto("/console/login")
    page.get_by_label("Email").fill(f"{who}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main h1")).to_have_text("Dashboard")
    expect(page.locator(".site-menu form.logout button")).to_have_text("Log out")


def open_menu(page: Any) -> None:
    """On a phone the links sit behind the Menu button; on a wide screen they are shown.
    Asked once the page has loaded: before its stylesheet applies, a wide screen shows the
    button too, and the check would then wait for a button that is about to be hidden."""
    page.wait_for_load_state("load")
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/<name>.png."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"screenshot names are lowercase words with dashes: {name!r}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
