"""The home as DomoGuard's core reads it: Home Assistant's own WebSocket reply shapes, built in-process.

The core's adapter (plugin/src/hub/ha/replies.cpp) parses the `result` of each command in
`Core.audit_commands()`. Here each result is produced with the same helpers HA's own WebSocket
handlers use (cached registry JSON, ``State.as_dict_json``, config entry and manifest JSON fragments),
so the core sees exactly what a remote client would. A part that is not loaded (cloud, analytics,
automations) is left out and the core reports the checks that need it as not run, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_dumps
from homeassistant.loader import async_get_integrations
from homeassistant.setup import async_get_loaded_integrations

from .const import LOGGER

# Assistants whose "expose new entities" setting the core reads (as the daemon does, one per assistant).
ASSISTANTS = ("conversation", "cloud.alexa", "cloud.google_assistant")
# Bounds, as in the daemon: automations read one by one.
MAX_AUTOMATIONS = 2000


def _join(items: Iterable[bytes | None]) -> str:
    """A JSON array of already serialised items (how HA's list handlers answer)."""
    return (b"[" + b",".join(i for i in items if i is not None) + b"]").decode()


def _user_info(hass: HomeAssistant, user: Any) -> dict[str, Any]:
    """config/auth/list's shape (homeassistant/components/config/auth.py `_user_info`)."""
    try:
        # Only when the config component is loaded (its modules are then imported already):
        # importing it here would block the event loop.
        if "config" not in hass.config.components:
            raise ImportError
        from homeassistant.components.config.auth import _user_info as ha_user_info  # noqa: PLC0415

        return ha_user_info(user)
    except ImportError:
        return {
            "id": user.id,
            "username": None,
            "name": user.name,
            "is_owner": user.is_owner,
            "is_active": user.is_active,
            "local_only": user.local_only,
            "system_generated": user.system_generated,
            "group_ids": [group.id for group in user.groups],
            "credentials": [{"type": c.auth_provider_type} for c in user.credentials],
        }


async def _current_user(hass: HomeAssistant, users: list[Any]) -> dict[str, Any] | None:
    """auth/current_user's shape for the owner: in-process there is no connected user, and the
    owner's account is the one whose second factor matters most."""
    owner = next((u for u in users if u.is_owner), None) or next(
        (u for u in users if u.is_admin and not u.system_generated), None
    )
    if owner is None:
        return None
    enabled = await hass.auth.async_get_enabled_mfa(owner)
    return {
        "id": owner.id,
        "name": owner.name,
        "is_owner": owner.is_owner,
        "is_admin": owner.is_admin,
        "credentials": [
            {"auth_provider_type": c.auth_provider_type, "auth_provider_id": c.auth_provider_id}
            for c in owner.credentials
        ],
        "mfa_modules": [
            {"id": m.id, "name": m.name, "enabled": m.id in enabled} for m in hass.auth.auth_mfa_modules
        ],
    }


def _exposure(hass: HomeAssistant) -> tuple[str | None, str | None]:
    """homeassistant/expose_entity/list and expose_new_entities/get (one per assistant)."""
    try:
        from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES  # noqa: PLC0415
        from homeassistant.components.homeassistant.exposed_entities import KNOWN_ASSISTANTS  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return None, None
    if DATA_EXPOSED_ENTITIES not in hass.data:
        return None, None
    exposed = hass.data[DATA_EXPOSED_ENTITIES]
    registry = er.async_get(hass)
    listed: dict[str, dict[str, bool]] = {}

    def add(entity_id: str, settings: Any) -> None:
        # What async_get_entity_settings reads, read in one pass: a registered entity's settings are
        # its registry options, others' are kept by the exposed-entities store.
        to = {a: True for a in KNOWN_ASSISTANTS if (s := settings.get(a)) and s.get("should_expose")}
        if to:
            listed[entity_id] = to

    entries = registry.entities
    for entity_id, entry in entries.items():
        if entry.options:
            add(entity_id, entry.options)
    for entity_id, legacy in exposed.entities.items():
        if entity_id not in entries:
            add(entity_id, legacy.assistants)
    expose_new = {a: {"expose_new": exposed.async_get_expose_new_entities(a)} for a in ASSISTANTS}
    return json_dumps({"exposed_entities": listed}), json_dumps(expose_new)


def _analytics(hass: HomeAssistant) -> str | None:
    if "analytics" not in hass.config.components:  # not loaded: nothing to read, nothing to import
        return None
    try:
        from homeassistant.components.analytics import DATA_COMPONENT  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return None
    if (analytics := hass.data.get(DATA_COMPONENT)) is None:
        return None
    return json_dumps({"preferences": analytics.preferences, "onboarded": analytics.onboarded})


async def _cloud(hass: HomeAssistant) -> str | None:
    if "cloud" not in hass.config.components:
        return None
    try:
        from homeassistant.components.cloud.const import DATA_CLOUD  # noqa: PLC0415
        from homeassistant.components.cloud.http_api import _account_data  # noqa: PLC0415

        return json_dumps(await _account_data(hass, hass.data[DATA_CLOUD]))
    except Exception as err:  # noqa: BLE001 - any cloud trouble only means "not known"
        LOGGER.debug("Cloud status not available: %s", err)
        return None


def _automations(hass: HomeAssistant) -> str | None:
    if "automation" not in hass.config.components:
        return None
    try:
        from homeassistant.components.automation import DATA_COMPONENT  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return None
    if (component := hass.data.get(DATA_COMPONENT)) is None:
        return None
    configs = []
    for entity in list(component.entities)[:MAX_AUTOMATIONS]:
        raw = getattr(entity, "raw_config", None)
        if raw is not None:
            configs.append({"config": raw})
    return json_dumps(configs)


def _scripts(hass: HomeAssistant) -> str | None:
    """As the daemon's script/config reply: each script's config beside the entity id it belongs to."""
    if "script" not in hass.config.components:
        return None
    component = hass.data.get("script")
    if component is None or not hasattr(component, "entities"):
        return None
    configs = []
    for entity in list(component.entities)[:MAX_AUTOMATIONS]:
        raw = getattr(entity, "raw_config", None)
        if raw is not None:
            configs.append({"entity_id": entity.entity_id, "config": raw})
    return json_dumps(configs)


async def async_collect_replies(hass: HomeAssistant, wanted: Iterable[str]) -> dict[str, str]:
    """command -> JSON text of its result, for every command of `wanted` this HA can answer."""
    wanted = set(wanted)
    out: dict[str, str] = {}
    producers: dict[str, Callable[[], str | None]] = {
        "get_config": lambda: json_dumps(hass.config.as_dict()),
        "config/device_registry/list": lambda: _join(
            d.json_repr for d in (*dr.async_get(hass).devices, *_child_devices(hass))
        ),
        "config/entity_registry/list": lambda: _join(
            e.partial_json_repr for e in er.async_get(hass).entities.values()
        ),
        "config/area_registry/list": lambda: json_dumps(
            [a.json_fragment for a in ar.async_get(hass).async_list_areas()]
        ),
        "config_entries/get": lambda: json_dumps(
            [e.as_json_fragment for e in hass.config_entries.async_entries()]
        ),
        "get_states": lambda: _join(_state_json(s) for s in hass.states.async_all()),
        "analytics": lambda: _analytics(hass),
        "automation/config": lambda: _automations(hass),
        "script/config": lambda: _scripts(hass),
    }
    for command, produce in producers.items():
        if command not in wanted:
            continue
        try:
            text = produce()
        except Exception:  # noqa: BLE001 - one part failing must not stop the audit
            LOGGER.exception("Reading %s for the audit failed", command)
            continue
        if text is not None:
            out[command] = text

    exposed, expose_new = _exposure(hass)
    if exposed is not None and "homeassistant/expose_entity/list" in wanted:
        out["homeassistant/expose_entity/list"] = exposed
    if expose_new is not None and "homeassistant/expose_new_entities/get" in wanted:
        out["homeassistant/expose_new_entities/get"] = expose_new

    if wanted & {"config/auth/list", "auth/current_user"}:
        users = await hass.auth.async_get_users()
        out["config/auth/list"] = json_dumps([_user_info(hass, u) for u in users])
        if (current := await _current_user(hass, users)) is not None:
            out["auth/current_user"] = json_dumps(current)

    if "manifest/list" in wanted:
        fragments = []
        for domain, integration in (
            await async_get_integrations(hass, async_get_loaded_integrations(hass))
        ).items():
            if isinstance(integration, Exception):
                LOGGER.debug("No manifest for %s: %s", domain, integration)
                continue
            fragments.append(integration.manifest_json_fragment)
        out["manifest/list"] = json_dumps(fragments)

    if "cloud/status" in wanted and (cloud := await _cloud(hass)) is not None:
        out["cloud/status"] = cloud
    # zwave_js/network_status needs the Z-Wave JS driver's own WebSocket handler; left out, so the
    # core reports the radio-security check as not run when the home has Z-Wave devices.
    return out


def _child_devices(hass: HomeAssistant) -> Iterable[Any]:
    # 2026.9+: child devices are listed with the others (config/device_registry/list does the same);
    # iterating `devices` (not using it as a mapping) is the supported way since 2026.9.
    return getattr(dr.async_get(hass), "child_devices", ())


def _state_json(state: Any) -> bytes | None:
    try:
        return state.as_dict_json
    except (ValueError, TypeError):
        return None


def state_json(state: Any) -> str | None:
    """One state as get_states lists it (and state_changed carries it), for the core; None for a
    removed entity or a state HA cannot serialise."""
    if state is None:
        return None
    text = _state_json(state)
    return text.decode() if text is not None else None

