"""The hub port: how the core's plans change this Home Assistant, through HA's own APIs.

Mirrors plugin/src/hub/ha/live_port.cpp (the daemon's port over the WebSocket API) action by action,
with HA's in-process equivalents of those commands: the exposed-entities store, the entity registry,
services called with blocking=True, the analytics preferences, the auth manager (revoking a
long-lived access token: in-process HA can revoke any user's, the WebSocket API only the connected
user's own) and the Supervisor client (an app's protection mode). Values are the same text encodings
("true"/"false", "on"/"off", "locked"/"unlocked", a select option, "present"/"revoked").

A revoked token cannot be made again: the core knows that kind as not undoable, shows it in the plan
and never asks a port to write "present".

The core calls `read`/`write` from the executor thread that runs `Core.handle`; each call runs its
work on HA's event loop and waits for it (bounded), so registry and service code stays on the loop.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.hassio import is_hassio

from .const import PORT_TIMEOUT

KNOWN_ASSISTANTS = ("conversation", "cloud.alexa", "cloud.google_assistant")
LONG_LIVED = "long_lived_access_token"
#: An app slug goes into a Supervisor URL path: nothing that could reach another endpoint.
_SLUG = re.compile(r"^[a-z0-9_-]{1,64}$")


class PortError(HomeAssistantError):
    """A plan step this Home Assistant cannot take (the core records it and rolls back).

    ``domoguard_key`` and ``domoguard_placeholders``, when given, name the core's message for it, so
    that the household reads it in their language (the English text stays for the logs).
    """

    def __init__(self, message: str, *, key: str = "", placeholders: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.domoguard_key = key
        self.domoguard_placeholders = placeholders or {}


def _bad_value(value: str, kind: str, target: str) -> PortError:
    return PortError(
        f'"{value}" is not a value for {kind} on {target}',
        key="error.port.bad_value",
        placeholders={"value": value, "kind": kind, "target": target},
    )


def _no_entity(target: str, what: str = "entity") -> PortError:
    return PortError(
        f"Home Assistant has no {what} {target}", key="error.port.no_entity", placeholders={"target": target}
    )


def _text(value: bool) -> str:
    return "true" if value else "false"


def _parse_bool(action: dict[str, Any], value: str) -> bool:
    if value in ("true", "false"):
        return value == "true"
    raise _bad_value(value, action["kind"], action["target"])


class HaPort:
    """`domoguard.HubPort` over this Home Assistant."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass

    # -- called by the core, from an executor thread --------------------------------------------
    def read(self, action: dict[str, Any]) -> str:
        return self._run(lambda: self._async_read(action))

    def write(self, action: dict[str, Any], value: str) -> None:
        self._run(lambda: self._async_write(action, value))

    def _run(self, make: Callable[[], Awaitable[Any]]) -> Any:
        if threading.get_ident() == self._hass.loop_thread_id:
            raise PortError("the hub port must not be called from the event loop")
        future = asyncio.run_coroutine_threadsafe(_as_coro(make), self._hass.loop)
        try:
            return future.result(PORT_TIMEOUT)
        except TimeoutError as err:
            future.cancel()
            raise PortError(
                f"Home Assistant did not finish within {PORT_TIMEOUT:.0f} s", key="error.ha.timeout"
            ) from err

    # -- on the event loop -----------------------------------------------------------------------
    def _exposed(self) -> Any:
        from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES  # noqa: PLC0415

        if DATA_EXPOSED_ENTITIES not in self._hass.data:
            raise PortError("voice assistant settings are not loaded")
        return self._hass.data[DATA_EXPOSED_ENTITIES]

    def _entity_exists(self, entity_id: str) -> bool:
        # Entities without a unique id are not in the registry but still have a state.
        return er.async_get(self._hass).async_get(entity_id) is not None or (
            self._hass.states.get(entity_id) is not None
        )

    def _analytics(self) -> Any:
        from homeassistant.components.analytics import DATA_COMPONENT  # noqa: PLC0415

        if (analytics := self._hass.data.get(DATA_COMPONENT)) is None:
            raise PortError("analytics is not loaded")
        return analytics

    def _supervisor(self) -> Any:
        if not is_hassio(self._hass):
            raise PortError("this Home Assistant has no Supervisor: apps cannot be changed")
        from homeassistant.components.hassio import get_supervisor_client  # noqa: PLC0415

        return get_supervisor_client(self._hass)

    async def _tokens(self, key: str) -> list[Any]:
        """The refresh tokens named by `key`: "<user id>/<created at, UTC, to the second>", as the core
        names a token (never by the token, its hash or its id)."""
        user_id, _, created = key.partition("/")
        if not user_id or not created:
            raise PortError("not a token")
        user = await self._hass.auth.async_get_user(user_id)
        if user is None:
            return []
        return [t for t in user.refresh_tokens.values() if _utc_second(t.created_at) == created]

    async def _async_read(self, a: dict[str, Any]) -> str:
        kind, target, param = a["kind"], a["target"], a.get("param", "")
        if kind == "revoke_token":
            # A token the hub does not hold cannot be used: it reads as revoked.
            return "present" if await self._tokens(target) else "revoked"
        if kind == "set_app_protection":
            _check_slug(target)
            info = await self._supervisor().addons.addon_info(target)
            return _text(bool(info.protected))
        if kind == "set_expose_new":
            _check_assistant(param)
            return _text(self._exposed().async_get_expose_new_entities(param))
        if kind == "set_analytics":
            return _text(bool(self._analytics().preferences.get(param, False)))
        if kind == "set_exposure":
            _check_assistant(param)
            if not self._entity_exists(target):
                raise _no_entity(target)
            from homeassistant.components.homeassistant.exposed_entities import (  # noqa: PLC0415
                async_get_entity_settings,
            )

            self._exposed()
            settings = async_get_entity_settings(self._hass, target).get(param, {})
            return _text(bool(settings.get("should_expose")))
        if kind in ("disable_entity", "hide_entity"):
            entry = er.async_get(self._hass).async_get(target)
            if entry is None:
                raise _no_entity(target, "registry entry")
            return _text((entry.disabled_by if kind == "disable_entity" else entry.hidden_by) is not None)
        if kind in ("switch", "lock", "select_option"):
            if (state := self._hass.states.get(target)) is None:
                raise _no_entity(target)
            return state.state
        raise PortError(f'unknown action kind "{kind}"')

    async def _async_write(self, a: dict[str, Any], value: str) -> None:
        kind, target, param = a["kind"], a["target"], a.get("param", "")
        hass = self._hass
        if kind == "revoke_token":
            if value != "revoked":
                raise PortError(f'"{value}" is not a value for revoke_token: a revoked token cannot be made again')
            tokens = await self._tokens(target)
            if not tokens:
                raise PortError("Home Assistant holds no such token")
            if len(tokens) > 1:
                raise PortError("two tokens were made in the same second: revoke the right one from the profile page")
            token = tokens[0]
            # Only long-lived tokens: revoking a sign-in would sign a person out, which no rule asks for.
            if token.token_type != LONG_LIVED:
                raise PortError("only long-lived access tokens are revoked")
            hass.auth.async_remove_refresh_token(token)
        elif kind == "set_app_protection":
            _check_slug(target)
            from aiohasupervisor.models import AddonsSecurityOptions  # noqa: PLC0415

            await self._supervisor().addons.set_addon_security(
                target, AddonsSecurityOptions(protected=_parse_bool(a, value))
            )
        elif kind == "set_expose_new":
            _check_assistant(param)
            self._exposed().async_set_expose_new_entities(param, _parse_bool(a, value))
        elif kind == "set_analytics":
            await self._analytics().save_preferences({param: _parse_bool(a, value)})
        elif kind == "set_exposure":
            _check_assistant(param)
            should = _parse_bool(a, value)
            # HA would quietly create a settings record for an entity that does not exist; refuse.
            if not self._entity_exists(target):
                raise _no_entity(target)
            from homeassistant.components.homeassistant.exposed_entities import (  # noqa: PLC0415
                async_expose_entity,
            )

            self._exposed()
            async_expose_entity(hass, param, target, should)
        elif kind in ("disable_entity", "hide_entity"):
            on = _parse_bool(a, value)
            registry = er.async_get(hass)
            if registry.async_get(target) is None:
                raise _no_entity(target, "registry entry")
            if kind == "disable_entity":
                registry.async_update_entity(
                    target, disabled_by=er.RegistryEntryDisabler.USER if on else None
                )
            else:
                registry.async_update_entity(target, hidden_by=er.RegistryEntryHider.USER if on else None)
        elif kind in ("switch", "lock", "select_option"):
            domain = target.split(".", 1)[0]
            data: dict[str, Any] = {"entity_id": target}
            if kind == "switch":
                if value not in ("on", "off"):
                    raise _bad_value(value, "switch", target)
                service = "turn_on" if value == "on" else "turn_off"
            elif kind == "lock":
                if domain != "lock" or value not in ("locked", "unlocked"):
                    raise _bad_value(value, "lock", target)
                service = "lock" if value == "locked" else "unlock"
            else:
                if domain not in ("select", "input_select"):
                    raise _bad_value(value, "select_option", target)
                service = "select_option"
                data["option"] = value
            await hass.services.async_call(domain, service, data, blocking=True)
        else:
            raise PortError(f'unknown action kind "{kind}"')


#: The action kinds this port carries out; a test checks it against the core's ACTION_KINDS.
HANDLED_KINDS = frozenset(
    {
        "set_exposure",
        "set_expose_new",
        "disable_entity",
        "hide_entity",
        "switch",
        "lock",
        "select_option",
        "set_analytics",
        "revoke_token",
        "set_app_protection",
    }
)


def _utc_second(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_slug(slug: str) -> None:
    if not _SLUG.match(slug):
        raise PortError("not an app slug")


def _check_assistant(name: str) -> None:
    if name not in KNOWN_ASSISTANTS:
        raise PortError(f'unknown assistant "{name}"')


async def _as_coro(make: Callable[[], Awaitable[Any]]) -> Any:
    return await make()
