"""Actions: audit now, apply a plan, undo a plan."""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.service import async_register_admin_service

from .const import CATEGORIES, DOMAIN, LEVELS, SCENARIOS
from .coordinator import DomoGuardCoordinator

SERVICE_AUDIT = "audit"
SERVICE_APPLY = "apply"
SERVICE_UNDO = "undo"

ATTR_LEVEL = "level"
ATTR_CATEGORY = "category"
ATTR_CHILD_SAFE = "child_safe"
ATTR_SCENARIO = "scenario"
ATTR_FIX = "fix"
ATTR_JOURNAL_ID = "journal_id"

APPLY_SCHEMA = probatio.All(
    probatio.Schema(
        {
            probatio.Exclusive(ATTR_LEVEL, "what"): probatio.In(LEVELS),
            probatio.Optional(ATTR_CATEGORY): probatio.In(CATEGORIES),
            probatio.Exclusive(ATTR_CHILD_SAFE, "what"): bool,
            probatio.Exclusive(ATTR_SCENARIO, "what"): probatio.In(SCENARIOS),
            probatio.Exclusive(ATTR_FIX, "what"): probatio.All(str, probatio.Length(min=3, max=256)),
        }
    ),
    probatio.ExactlyOne(ATTR_LEVEL, ATTR_CHILD_SAFE, ATTR_SCENARIO, ATTR_FIX),
)
UNDO_SCHEMA = probatio.Schema(
    {probatio.Optional(ATTR_JOURNAL_ID): probatio.All(probatio.Coerce(int), probatio.Range(min=1))}
)


def _coordinator(hass: HomeAssistant) -> DomoGuardCoordinator:
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        return entry.runtime_data.coordinator
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_loaded")


def selector_for(data: dict[str, Any]) -> list[str]:
    """The service fields as the core's selector words (the CLI's vocabulary)."""
    if ATTR_LEVEL in data:
        words = ["--level", data[ATTR_LEVEL]]
        if ATTR_CATEGORY in data:
            words += ["--category", data[ATTR_CATEGORY]]
        return words
    if ATTR_CATEGORY in data:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="category_without_level")
    if ATTR_CHILD_SAFE in data:
        return ["--child-safe", "on" if data[ATTR_CHILD_SAFE] else "off"]
    if ATTR_SCENARIO in data:
        return ["--scenario", data[ATTR_SCENARIO]]
    return ["--fix", data[ATTR_FIX]]


async def _user_name(call: ServiceCall) -> str | None:
    if call.context.user_id is None:
        return None
    user = await call.hass.auth.async_get_user(call.context.user_id)
    return user.name if user else None


async def _async_audit(call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(call.hass)
    await coordinator.async_refresh()
    if not coordinator.last_update_success:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="audit_failed_short")
    data = coordinator.data
    return {"score": data.score, "findings": len(data.findings), "new": data.new, "resolved": data.resolved}


def _steps(result: dict[str, Any]) -> ServiceResponse:
    return {
        "journal_id": result.get("journal_id"),
        "ok": result.get("ok"),
        # Nothing needed changing: nothing journalled (journal_id 0), nothing to undo.
        "nothing_to_change": bool(result.get("nothing_to_change")),
        "changed": sum(1 for s in result.get("steps") or [] if s.get("outcome") == "changed"),
        "score": result.get("score"),
    }


async def _async_apply(call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(call.hass)
    result = await coordinator.async_apply(selector_for(dict(call.data)), await _user_name(call))
    return _steps(result)


async def _async_undo(call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(call.hass)
    result = await coordinator.async_undo(call.data.get(ATTR_JOURNAL_ID), await _user_name(call))
    return _steps(result)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    # The audit's answer names what newly fails where (finding keys): like the audit itself, for admins.
    async_register_admin_service(
        hass, DOMAIN, SERVICE_AUDIT, _async_audit, schema=probatio.Schema({}), supports_response=SupportsResponse.OPTIONAL
    )
    async_register_admin_service(
        hass, DOMAIN, SERVICE_APPLY, _async_apply, schema=APPLY_SCHEMA, supports_response=SupportsResponse.OPTIONAL
    )
    async_register_admin_service(
        hass, DOMAIN, SERVICE_UNDO, _async_undo, schema=UNDO_SCHEMA, supports_response=SupportsResponse.OPTIONAL
    )
