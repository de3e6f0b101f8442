"""Repairs: high and critical findings become issues; a fixable one is fixed through its flow and undone."""

from __future__ import annotations

import pytest

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.domoguard.coordinator import finding_key, issue_id_for

from .conftest import DOMAIN, Home


def _lock_finding(entry: MockConfigEntry, home: Home) -> dict:
    return next(
        f for f in entry.runtime_data.coordinator.data.findings
        if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == home.lock_device
    )


async def test_issues_follow_findings(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    registry = ir.async_get(hass)
    mine = {i for (d, i) in registry.issues if d == DOMAIN}
    severe = [f for f in entry.runtime_data.coordinator.data.findings if f["severity"] in ("high", "critical")]
    assert mine == {issue_id_for(finding_key(f)) for f in severe}
    issue = registry.async_get_issue(DOMAIN, issue_id_for(finding_key(_lock_finding(entry, home))))
    assert issue.is_fixable and issue.translation_key == "finding_fixable"
    assert "Front door lock" in issue.translation_placeholders["title"]


async def test_issues_are_bounded_most_severe_first(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of severe findings do not become hundreds of repair issues."""
    coordinator = entry.runtime_data.coordinator
    severe = sorted(
        (f for f in coordinator.data.findings if f["severity"] in ("high", "critical")),
        key=lambda f: (f["severity"] != "critical", finding_key(f)),
    )
    assert len(severe) >= 2
    monkeypatch.setattr("custom_components.domoguard.coordinator.MAX_REPAIR_ISSUES", 1, raising=False)
    await coordinator.async_refresh()
    mine = {i for (d, i) in ir.async_get(hass).issues if d == DOMAIN}
    assert mine == {issue_id_for(finding_key(severe[0]))}


async def test_fix_flow_shows_the_plan_applies_it_and_undo_restores(
    hass: HomeAssistant, hass_client, home: Home, entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    finding = _lock_finding(entry, home)
    issue_id = issue_id_for(finding_key(finding))
    client = await hass_client()
    resp = await client.post("/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id})
    assert resp.status == 200, await resp.text()
    flow = await resp.json()
    assert flow["step_id"] == "confirm"
    # The preview: the core's plan for this one finding, in words.
    assert "Assist" in flow["description_placeholders"]["preview"]
    resp = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert not async_should_expose(hass, "conversation", home.lock)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None  # fixed: the issue is gone
    journal = await entry.runtime_data.coordinator.async_result({"type": "domoguard/journal"})
    assert journal[0]["kind"] == "fix"
    # Undo from the journal puts the exposure back and the issue returns.
    await entry.runtime_data.coordinator.async_undo(journal[0]["journal_id"])
    await hass.async_block_till_done()
    assert async_should_expose(hass, "conversation", home.lock)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
