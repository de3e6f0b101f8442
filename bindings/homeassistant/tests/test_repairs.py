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


def _group_of(entry: MockConfigEntry, finding: dict) -> dict:
    """The group (one rule on one kind of subject) the finding is folded into."""
    return next(g for g in entry.runtime_data.coordinator.data.audit["groups"] if finding_key(finding) in g["keys"])


def _severe_groups(entry: MockConfigEntry) -> list[dict]:
    return sorted(
        (g for g in entry.runtime_data.coordinator.data.audit["groups"] if g["severity"] in ("high", "critical")),
        key=lambda g: (g["severity"] != "critical", g["id"]),
    )


async def test_issues_follow_groups(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    """One issue per severe group, not per finding; every severe finding is in one of them."""
    registry = ir.async_get(hass)
    mine = {i for (d, i) in registry.issues if d == DOMAIN}
    groups = _severe_groups(entry)
    assert mine == {issue_id_for(g["id"]) for g in groups}
    covered = {k for g in groups for k in g["keys"]}
    severe = [f for f in entry.runtime_data.coordinator.data.findings if f["severity"] in ("high", "critical")]
    assert {finding_key(f) for f in severe} <= covered
    group = _group_of(entry, _lock_finding(entry, home))
    issue = registry.async_get_issue(DOMAIN, issue_id_for(group["id"]))
    assert issue.is_fixable and issue.translation_key == "finding_fixable"
    assert issue.translation_placeholders["title"] == group["title"]


async def test_issues_are_bounded_most_severe_first(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of severe findings do not become hundreds of repair issues."""
    coordinator = entry.runtime_data.coordinator
    severe = _severe_groups(entry)
    assert len(severe) >= 2
    monkeypatch.setattr("custom_components.domoguard.notify.MAX_REPAIR_ISSUES", 1)
    await coordinator.async_refresh()
    mine = {i for (d, i) in ir.async_get(hass).issues if d == DOMAIN}
    assert mine == {issue_id_for(severe[0]["id"])}


async def test_fix_flow_shows_the_plan_applies_it_and_undo_restores(
    hass: HomeAssistant, hass_client, home: Home, entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    finding = _lock_finding(entry, home)
    issue_id = issue_id_for(_group_of(entry, finding)["id"])
    client = await hass_client()
    resp = await client.post("/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id})
    assert resp.status == 200, await resp.text()
    menu = await resp.json()
    assert menu["type"] == "menu" and set(menu["menu_options"]) == {"confirm", "accept"}
    resp = await client.post(f"/api/repairs/issues/fix/{menu['flow_id']}", json={"next_step_id": "confirm"})
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


async def test_accepting_from_a_repair_asks_for_the_reason_and_clears_the_issue(
    hass: HomeAssistant, hass_client, home: Home, entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    group = _group_of(entry, _lock_finding(entry, home))
    issue_id = issue_id_for(group["id"])
    await entry.runtime_data.coordinator.async_refresh()   # a full audit, as after the acceptance
    score = entry.runtime_data.coordinator.data.audit["score"]
    client = await hass_client()
    resp = await client.post("/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id})
    flow_id = (await resp.json())["flow_id"]
    resp = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={"next_step_id": "accept"})
    form = await resp.json()
    assert form["step_id"] == "accept"
    # A date more than a year ahead is refused, and the form says why.
    resp = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={"reason": "Only we live here", "until": "2099-01-01"})
    again = await resp.json()
    assert again["step_id"] == "accept" and again["errors"] == {"base": "refused"}
    assert "one year" in again["description_placeholders"]["refusal"]
    resp = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={"reason": "Only we live here"})
    assert (await resp.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None  # accepted: no longer a repair
    accepted = await entry.runtime_data.coordinator.async_result({"type": "domoguard/accepted"})
    assert {a["key"] for a in accepted} == set(group["keys"])
    assert accepted[0]["reason"] == "Only we live here"
    # Still counted: accepting does not move the score.
    assert entry.runtime_data.coordinator.data.audit["score"] == score


def test_preview_says_when_a_fix_cannot_be_undone() -> None:
    """The confirm step of a token revoke tells the person, before they confirm, that it cannot be undone."""
    from custom_components.domoguard.repairs import preview_text  # noqa: PLC0415

    plan = {"actions": [{"kind": "revoke_token", "message": "Revoke the long-lived access token “Old *script*” (cannot be undone)",
                         "undoable": False}],
            "guidance": [],
            "irreversible": {"count": 1, "message": "Cannot be undone (1): a revoked access token cannot be restored."}}
    text = preview_text(plan)
    assert "**Cannot be undone" in text and "revoked access token cannot be restored" in text
    assert "Old *script*" not in text  # untrusted names stay inert (markdown escaped)
    assert "Cannot be undone" not in preview_text({"actions": [{"message": "Hide it"}], "guidance": []})
