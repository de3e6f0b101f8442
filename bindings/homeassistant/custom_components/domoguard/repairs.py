"""Repairs: each high or critical group of findings (one rule on one kind of subject) is one issue.

Its flow offers what can be done: fix it (where a plan exists: the core's preview for `--fix KEY`,
each change in plain words, applied only when confirmed, journalled, undone in one click from the
panel), or accept the risk with a reason until a date (domoguard/accept: kept, logged with who
decided, back when the date passes or the evidence changes). HA's own "Ignore" button keeps no
reason, so the flow is where a household says why it lives with a risk.
"""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.helpers import issue_registry as ir, selector

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .coordinator import DomoGuardCoordinator
from .notify import markdown_text

MAX_PREVIEW_LINES = 20


def _coordinator(hass: HomeAssistant) -> DomoGuardCoordinator | None:
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        return entry.runtime_data.coordinator
    return None


def preview_text(plan: dict[str, Any]) -> str:
    """A markdown list of what the plan changes and what it only advises (untrusted text escaped)."""
    lines = [f"- {markdown_text(a.get('message', ''))}" for a in plan.get("actions") or []]
    lines += [f"- {markdown_text(g.get('message', '') if isinstance(g, dict) else g)}" for g in plan.get("guidance") or []]
    if len(lines) > MAX_PREVIEW_LINES:
        lines = [*lines[:MAX_PREVIEW_LINES], "- …"]
    # A change no undo can take back (a revoked access token) is said before anyone confirms.
    if isinstance(irreversible := plan.get("irreversible"), dict) and irreversible.get("message"):
        lines.append(f"\n**{markdown_text(irreversible['message'])}**")
    return "\n".join(lines) or "-"


class FindingRepairFlow(RepairsFlow):
    def __init__(self, key: str, issue_id: str = "") -> None:
        self._key = key
        self._issue_id = issue_id
        self._title = ""

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        coordinator = _coordinator(self.hass)
        if coordinator is None:
            return self.async_abort(reason="not_loaded")
        reply = await coordinator.async_handle({"type": "domoguard/plan", "selector": ["--fix", self._key]})
        can_fix = bool(reply.get("success") and (reply.get("result") or {}).get("actions"))
        # A fixable issue has no description of its own (hassfest): the menu says why it matters, with the
        # placeholders the issue was raised with (already escaped for markdown by the coordinator).
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self._issue_id) if self._issue_id else None
        placeholders = {k: str(v) for k, v in ((issue.translation_placeholders or {}) if issue else {}).items()}
        for name in ("why", "remedy", "rule", "clauses"):
            placeholders.setdefault(name, "")
        return self.async_show_menu(
            step_id="init",
            menu_options=["confirm", "accept"] if can_fix else ["accept"],
            description_placeholders=placeholders,
        )

    async def async_step_accept(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Accept the risk: a reason (required) and the last day it holds (default in 90 days, at most a year)."""
        coordinator = _coordinator(self.hass)
        if coordinator is None:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        refusal = ""
        if user_input is not None:
            request: dict[str, Any] = {
                "type": "domoguard/accept",
                "key": self._key,
                "reason": str(user_input.get("reason", ""))[:500],
                "user": await self._user_name() or "Home Assistant",
            }
            if user_input.get("until"):
                request["until"] = str(user_input["until"])[:10]
            reply = await coordinator.async_handle(request)
            if reply.get("success"):
                await coordinator.async_refresh()
                return self.async_create_entry(data={})
            errors["base"] = "refused"
            refusal = markdown_text((reply.get("error") or {}).get("message", ""))
        return self.async_show_form(
            step_id="accept",
            data_schema=probatio.Schema(
                {
                    probatio.Required("reason"): selector.TextSelector(selector.TextSelectorConfig(multiline=True)),
                    probatio.Optional("until"): selector.DateSelector(),
                }
            ),
            errors=errors,
            description_placeholders={"refusal": refusal},
        )

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        coordinator = _coordinator(self.hass)
        if coordinator is None:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            try:
                await coordinator.async_apply(["--fix", self._key], user=await self._user_name())
            except HomeAssistantError:
                return self.async_abort(reason="apply_failed")
            return self.async_create_entry(data={})
        reply = await coordinator.async_handle({"type": "domoguard/plan", "selector": ["--fix", self._key]})
        if not reply.get("success"):
            return self.async_abort(reason="finding_gone")
        plan = reply["result"]
        if not plan.get("actions"):
            return self.async_abort(reason="nothing_to_do")
        return self.async_show_form(
            step_id="confirm",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "title": markdown_text(plan.get("title", "")),
                "preview": preview_text(plan),
            },
        )

    async def _user_name(self) -> str | None:
        user_id = self.context.get("user_id") if self.context else None
        if not user_id:
            return None
        user = await self.hass.auth.async_get_user(user_id)
        return user.name if user else None


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    return FindingRepairFlow(str((data or {}).get("key", "")), issue_id)
