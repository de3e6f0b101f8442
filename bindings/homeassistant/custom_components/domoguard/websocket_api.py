"""`domoguard/*` over Home Assistant's WebSocket API: every verb forwarded to the core, for the panel.

The commands are the same as the daemon's (plugin/src/api/service.cpp implements them once). HA adds
what only it knows: who is asking (their name goes into the journal as the person who changed
something), whether they are an admin (changes need one), and their language by default.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import probatio

from homeassistant.components import websocket_api
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN
from .coordinator import DomoGuardCoordinator

_TEXT = probatio.All(str, probatio.Length(max=256))
_ID = probatio.All(str, probatio.Length(min=1, max=128))
_SELECTOR = probatio.All([_TEXT], probatio.Length(max=8))
_LANG = probatio.All(str, probatio.Length(min=2, max=15))
# A plan reviewed earlier, sent back to be applied as it is (the core checks its changes against its id).
_PLAN = dict
_PLAN_ID = probatio.All(str, probatio.Length(min=1, max=64))
_VERIFY_TIMEOUT = probatio.All(int, probatio.Range(min=0, max=300000))

# verb -> (extra fields, admin only, adds the caller's name as "user", audits again afterwards)
# Everyone signed in may read the score, the privacy notices (and acknowledge them: each person's
# acknowledgement is theirs), the settings and the rule catalogue, which the dashboard card shows.
# The audit itself is a map of the home's weak points (which lock answers to voice, whose account
# lacks a second factor): only admins read it, as only admins change anything.
VERBS: dict[str, tuple[dict[Any, Any], bool, bool, bool]] = {
    "status": ({}, False, False, False),
    "audit": ({probatio.Optional("all"): bool}, True, False, False),
    "device": ({probatio.Required("device_id"): _ID}, True, False, False),
    "catalog": ({}, False, False, False),
    "explain": ({probatio.Required("rule"): _ID}, False, False, False),
    "history": ({probatio.Optional("limit"): probatio.All(int, probatio.Range(min=1, max=500))}, True, False, False),
    "journal": ({}, True, False, False),
    "plan": (
        {probatio.Optional("selector"): _SELECTOR, probatio.Optional("journal_id"): int, probatio.Optional("plan"): _PLAN},
        True, False, False,
    ),
    "apply": (
        {
            probatio.Optional("selector"): _SELECTOR,
            probatio.Optional("plan"): _PLAN,
            probatio.Optional("plan_id"): _PLAN_ID,
            probatio.Optional("verify_timeout_ms"): _VERIFY_TIMEOUT,
        },
        True, True, True,
    ),
    "undo": (
        {
            probatio.Optional("selector"): _SELECTOR,
            probatio.Optional("journal_id"): int,
            probatio.Optional("plan_id"): _PLAN_ID,
            probatio.Optional("verify_timeout_ms"): _VERIFY_TIMEOUT,
        },
        True, True, True,
    ),
    "notice": ({probatio.Optional("device_id"): _ID}, False, False, False),
    "notice/ack": (
        {probatio.Optional("device_id"): _ID, probatio.Required("version"): _ID},
        False, True, False,
    ),
    "settings": ({}, False, False, False),
    "settings/set": (
        {
            probatio.Optional("privacy_default"): bool,
            # Modes that hold: "restore" (put it back) or "notify" (tell me), per mode.
            probatio.Optional("hold"): {
                probatio.In(["child_safe", "scenario", "level", "privacy_default"]): probatio.In(["restore", "notify"])
            },
        },
        True, True, True,
    ),
    # Accepting a risk is a decision about the home: admins only, with their name, audited again after.
    "accept": (
        {
            probatio.Required("key"): _TEXT,
            probatio.Required("reason"): probatio.All(str, probatio.Length(max=500)),
            probatio.Optional("until"): probatio.All(str, probatio.Length(max=10)),
        },
        True, True, True,
    ),
    "accept/withdraw": ({probatio.Required("key"): _TEXT}, True, True, True),
    "accepted": ({probatio.Optional("all"): bool}, True, False, False),
    "hold": ({}, False, False, False),
    "hold/pause": (
        {
            probatio.Required("mode"): probatio.In(["child_safe", "scenario", "level", "privacy_default"]),
            probatio.Required("seconds"): probatio.All(int, probatio.Range(min=0, max=86400)),
        },
        True, True, False,
    ),
}


def _loaded_coordinator(hass: HomeAssistant) -> DomoGuardCoordinator | None:
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        return entry.runtime_data.coordinator
    return None


def _make_handler(verb: str, fields: dict[Any, Any], admin: bool, add_user: bool, refresh: bool) -> Callable[..., Any]:
    schema = {probatio.Required("type"): f"{DOMAIN}/{verb}", probatio.Optional("lang"): _LANG, **fields}

    async def handler(
        hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
    ) -> None:
        coordinator = _loaded_coordinator(hass)
        if coordinator is None:
            connection.send_error(msg["id"], "not_loaded", "DomoGuard is not set up")
            return
        request = {k: v for k, v in msg.items() if k != "id"}
        request.setdefault("lang", hass.config.language or coordinator.lang)
        if add_user:
            request["user"] = connection.user.name or connection.user.id
        reply = await coordinator.async_handle(request)
        if refresh and reply.get("success"):
            # The hub changed (or a setting did): audit again so every view agrees.
            await coordinator.async_refresh()
        if reply.get("success"):
            connection.send_result(msg["id"], reply.get("result"))
        else:
            error = reply.get("error") or {}
            connection.send_error(
                msg["id"],
                str(error.get("code") or "unknown_error"),
                str(error.get("message") or "DomoGuard could not do that"),
                # The core's message key, so the panel can show the error in the household's language.
                translation_key=str(error["key"]) if error.get("key") else None,
                translation_domain=DOMAIN if error.get("key") else None,
            )

    decorated: Callable[..., Coroutine[Any, Any, None]] = websocket_api.async_response(handler)
    decorated = websocket_api.websocket_command(schema)(decorated)
    if admin:
        decorated = websocket_api.require_admin(decorated)
    return decorated


@callback
def async_register_websocket_commands(hass: HomeAssistant) -> None:
    for verb, (fields, admin, add_user, refresh) in VERBS.items():
        websocket_api.async_register_command(hass, _make_handler(verb, fields, admin, add_user, refresh))
