"""Diagnostics: what helps to understand a report, and nothing more (allow-list).

Only the keys listed here pass; everything else — device and person names, MAC addresses, serials,
URLs, tokens, codes, entity ids — is left out, whatever the core adds in future versions.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .coordinator import DomoGuardConfigEntry

STATUS_KEYS = ("ready", "version", "score", "findings", "devices", "hub_version", "audited_at")
FINDING_KEYS = ("rule", "severity", "clauses")
SETTINGS_KEYS = ("scenario",)
OPTION_KEYS = ("language", "debounce_seconds", "notify_new_devices")


def _pick(source: dict[str, Any] | None, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: source[k] for k in keys if source and k in source}


async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: DomoGuardConfigEntry) -> dict[str, Any]:
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    settings = data.settings or {}
    # The audit as the core holds it now (the coordinator keeps the words of the last one that changed).
    audit = await coordinator.async_result({"type": "domoguard/audit"})
    return {
        "options": _pick(dict(entry.options), OPTION_KEYS),
        "language": entry.runtime_data.lang,
        "last_update_success": coordinator.last_update_success,
        "status": _pick(data.status, STATUS_KEYS),
        "summary": {k: v for k, v in (audit.get("summary") or {}).items() if isinstance(v, int)},
        "rules_run": audit.get("rules_run"),
        "findings": [_pick(f, FINDING_KEYS) | {"remediation": (f.get("remediation") or {}).get("kind")}
                     for f in audit.get("findings") or []],
        "not_run": [_pick(n, ("rule", "reason")) for n in audit.get("not_run") or []],
        "settings": _pick(settings, SETTINGS_KEYS)
        | {
            "levels": {c.get("name"): c.get("level") for c in settings.get("categories") or []},
            "child_safe": (settings.get("child_safe") or {}).get("on"),
            "privacy_default": (settings.get("privacy_default") or {}).get("on"),
        },
        "replies": sorted(await _reply_names(coordinator)),
    }


async def _reply_names(coordinator: Any) -> list[str]:
    """Which parts of the home HA could give (names only, never content)."""
    from .home import async_collect_replies  # noqa: PLC0415

    replies = await async_collect_replies(coordinator.hass, coordinator.commands)
    return list(replies)
