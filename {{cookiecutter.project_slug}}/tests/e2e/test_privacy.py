"""Scenario 7: a task's status page belongs to the user who started the task."""

import pytest
from playwright.sync_api import Page, expect

from .steps import register

pytestmark = pytest.mark.e2e


def test_another_user_gets_404_on_someone_elses_status_page(page: Page, new_context, site_url):
    """Ada registers and gets her welcome email's status page. Bob registers in
    another browser, then opens Ada's status page and its JSON: both are 404 for
    him, exactly as for an id that does not exist. Ada still sees hers.
    """
    adas_status_page = register(page, site_url, "ada@example.com")
    bob = new_context().new_page()
    register(bob, site_url, "bob@example.com")

    for url in [adas_status_page, adas_status_page + "status.json"]:
        response = bob.goto(url)
        assert response is not None and response.status == 404, url

    response = page.goto(adas_status_page)
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=10_000)
