"""A coordinator makes an API token (shown once, copied, gone on reload) and revokes it
after being asked; edits a flow and watches the preview follow the typing, then tries the
draft in the simulator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_helpers import horizontal_overflow, log_in, screenshot


def _check(page: Page, name: str) -> None:
    shot = screenshot(page, name)
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways (see {shot})"
    assert page.csp_violations == [], page.csp_violations


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_token_is_shown_once_and_revoked_after_asking(new_page, size: str, world) -> None:
    page = new_page(size)
    log_in(page, "carol")
    page.goto("/console/tokens")
    expect(page.get_by_role("link", name="The API description (OpenAPI 3)")).to_be_visible()
    page.get_by_label("Name").fill("weekly report")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("sms_")
    expect(page.get_by_role("button", name="Copy token")).to_be_visible()
    _check(page, f"tokens-{size}-new")
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("table.list tbody tr")).to_have_count(1)  # the reload made none

    page.get_by_role("link", name="Revoke…").click()
    expect(page.locator("main h1")).to_have_text("Revoke “weekly report”?")
    _check(page, f"tokens-{size}-revoke")
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator("main")).to_contain_text("revoked: it no longer works")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_flow_preview_follows_typing_and_a_draft_is_tried(new_page, size: str, world) -> None:
    page = new_page(size)
    log_in(page, "carol")
    page.goto("/console/flows/checkin")
    area = page.locator("#yaml_text")
    text = area.input_value()
    area.fill(text.replace("how are you today?", "how is your evening going?"))
    expect(page.locator("#flow-messages")).to_contain_text("how is your evening going?")
    expect(page.locator("[data-preview-status]")).to_be_visible()
    area.fill(text.replace("to: good}", "to: grand}"))
    expect(page.locator("#flow-issues")).to_contain_text("grand")
    expect(page.get_by_role("button", name="Save and try in the simulator")).to_be_disabled()
    _check(page, f"flow-editor-{size}-typing")
    area.fill(text.replace("how are you today?", "how is your evening going?"))
    expect(page.get_by_role("button", name="Save and try in the simulator")).to_be_enabled()
    page.get_by_role("button", name="Save and try in the simulator").click()
    expect(page.locator("main h1")).to_have_text("Phone simulator")
    expect(page.locator("main")).to_contain_text("checkin with draft v2")
    _check(page, f"flow-editor-{size}-tried")
