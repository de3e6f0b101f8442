"""What the household is told: repair issues for severe findings, and persistent notifications
(a newly paired device, a plan rolled back at start). The last step of the one-way flow: it reads
the core's answers and never changes the home.
"""

from __future__ import annotations

import hashlib
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, MAX_REPAIR_ISSUES, PANEL_URL_PATH, REPAIR_SEVERITIES
from .messages import Messages


def finding_key(finding: dict[str, Any]) -> str:
    """The core's finding key (audit::Finding::key): RULE|kind:id."""
    subject = finding.get("subject") or {}
    return f"{finding.get('rule', '')}|{subject.get('kind', '')}:{subject.get('id', '')}"


def issue_id_for(key: str) -> str:
    return "finding_" + hashlib.sha256(key.encode()).hexdigest()[:20]


def plain_text(text: str, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def markdown_text(text: str, limit: int = 300) -> str:
    """Device and hub text is untrusted: shown as text in HA's markdown, never as markup or links
    (":" too: GFM turns a bare https://2130706433 into a link, dots or not)."""
    text = " ".join(str(text).split())[:limit]
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~:" else c for c in text)


@callback
def async_sync_issues(hass: HomeAssistant, audit: dict[str, Any]) -> None:
    """One repair issue per open high or critical group (one rule on many devices is one issue;
    the most severe MAX_REPAIR_ISSUES, in a stable order); fixed and accepted ones go away."""
    findings = {finding_key(f): f for f in audit.get("findings") or []}
    groups = audit.get("groups")
    if not isinstance(groups, list):  # an older core: one group per finding
        groups = [
            {"id": k, "severity": f.get("severity"), "title": f.get("title", ""), "keys": [k],
             "fix": {"message": (f.get("remediation") or {}).get("message", "")},
             **({"plan": ["--fix", k]} if (f.get("remediation") or {}).get("kind") == "action" else {})}
            for k, f in findings.items()
        ]
    severe = sorted(
        (g for g in groups if isinstance(g, dict) and g.get("severity") in REPAIR_SEVERITIES),
        key=lambda g: (g.get("severity") != "critical", str(g.get("id", ""))),
    )
    wanted: dict[str, dict[str, Any]] = {issue_id_for(str(g["id"])): g for g in severe[:MAX_REPAIR_ISSUES]}
    registry = ir.async_get(hass)
    for (domain, issue_id) in list(registry.issues):
        if domain == DOMAIN and issue_id.startswith("finding_") and issue_id not in wanted:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for issue_id, g in wanted.items():
        first = findings.get((g.get("keys") or [""])[0]) or {}
        fixable = bool(g.get("plan"))
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            data={"key": str(g["id"])},
            # Every issue opens a flow: to fix it where a plan exists, or to accept the risk with a reason.
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.CRITICAL if g["severity"] == "critical" else ir.IssueSeverity.ERROR,
            translation_key="finding_fixable" if fixable else "finding_acceptable",
            translation_placeholders={
                # The title is shown as plain text; the rest goes into the markdown description.
                "title": plain_text(g.get("title", "")),
                "why": markdown_text(first.get("why", ""), 600),
                "remedy": markdown_text((g.get("fix") or {}).get("message", ""), 600),
                "rule": markdown_text(first.get("rule", "")),
                "clauses": markdown_text(", ".join(first.get("clauses") or [])),
            },
        )


@callback
def async_notify_recovered(hass: HomeAssistant, messages: Messages, message: str) -> None:
    """A plan cut off when Home Assistant last stopped was rolled back (the core's own words)."""
    persistent_notification.async_create(
        hass,
        message,
        title=messages.text("notify.recovered.title"),
        notification_id=f"{DOMAIN}_recovered",
    )


@callback
def async_notify_new_device(
    hass: HomeAssistant, messages: Messages, device_id: str, answer: dict[str, Any], changes: list[str]
) -> None:
    """A newly paired device: its findings, and what privacy by default changed on it."""
    device = answer.get("device") or {}
    findings = answer.get("findings") or []
    link = f"/{PANEL_URL_PATH}"
    message = messages.text(
        "notify.new_device.message_one" if len(findings) == 1 else "notify.new_device.message",
        name=markdown_text(device.get("name") or device_id),
        count=str(len(findings)),
        link=link,
    )
    if changes:
        listed = "".join(f"\n- {markdown_text(c)}" for c in changes)
        key = "notify.new_device.private_one" if len(changes) == 1 else "notify.new_device.private"
        message += "\n\n" + messages.text(key, changes=str(len(changes)), list=listed, link=link)
    persistent_notification.async_create(
        hass,
        message,
        title=messages.text("notify.new_device.title"),
        notification_id=f"{DOMAIN}_new_device_{device_id}",
    )
