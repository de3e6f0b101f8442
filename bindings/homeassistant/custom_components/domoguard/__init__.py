"""DomoGuard: ISO/IEC 27403 security and privacy audits of this Home Assistant, in-process.

The C++ core (the `domoguard` wheel) audits the home built from HA's registries, keeps the history
and the journal of every change it makes, and answers the `domoguard/*` commands the panel speaks.
"""

from __future__ import annotations

from domoguard import Core, DomoGuardError

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import STORAGE_DIR
from homeassistant.helpers.typing import ConfigType

from .const import CONF_LANGUAGE, DB_FILE, DOMAIN, LANGUAGE_AUTO, LANGUAGES
from .coordinator import DomoGuardConfigEntry, DomoGuardCoordinator, DomoGuardRuntimeData
from .frontend import async_register_frontend, async_unregister_frontend
from .guard import async_setup_guard
from .port import HaPort
from .services import async_setup_services
from .websocket_api import async_register_websocket_commands

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [Platform.BUTTON, Platform.SELECT, Platform.SENSOR, Platform.SWITCH]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Services and WebSocket commands exist once, whatever the entry's state."""
    async_setup_services(hass)
    async_register_websocket_commands(hass)
    return True


def resolve_language(hass: HomeAssistant, entry: DomoGuardConfigEntry) -> str:
    chosen = entry.options.get(CONF_LANGUAGE, LANGUAGE_AUTO)
    if chosen != LANGUAGE_AUTO and chosen in LANGUAGES:
        return chosen
    lang = (hass.config.language or "en").split("-")[0].lower()
    return lang if lang in LANGUAGES else "en"


async def async_setup_entry(hass: HomeAssistant, entry: DomoGuardConfigEntry) -> bool:
    """Starts the core, audits the home, and serves the panel."""
    lang = resolve_language(hass, entry)
    port = HaPort(hass)
    db_path = hass.config.path(STORAGE_DIR, DB_FILE)
    try:
        core = await hass.async_add_executor_job(lambda: Core(db_path=db_path, lang=lang, port=port, live=True))
    except DomoGuardError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="core_failed", translation_placeholders={"error": str(err)}
        ) from err

    coordinator = DomoGuardCoordinator(hass, entry, core, lang)
    try:
        await coordinator.async_config_entry_first_refresh()
        # A plan cut off when Home Assistant last stopped is rolled back before anything else runs.
        if hass.is_running:
            await coordinator.async_recover()
    except BaseException:
        # HA retries a setup that is not ready: each attempt must not leave a core (and its SQLite
        # connection) behind.
        await hass.async_add_executor_job(core.close)
        raise
    entry.runtime_data = DomoGuardRuntimeData(core=core, coordinator=coordinator, lang=lang)
    if not hass.is_running:
        # Home Assistant is starting: the entities a cut-off plan changed may belong to integrations
        # still setting up, so the roll-back reads and writes them once everything has started and
        # those devices report.
        async def _async_recover_at_start(_hass: HomeAssistant) -> None:
            await coordinator.changes.async_wait_for_devices()
            await coordinator.async_recover()

        entry.async_on_unload(async_at_started(hass, _async_recover_at_start))
    coordinator.async_start_listening()
    entry.async_on_unload(async_setup_guard(hass, coordinator))

    await async_register_frontend(hass)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DomoGuardConfigEntry) -> bool:
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        async_unregister_frontend(hass)
        # The database is closed now, not when the garbage collector finds the old core (a reload
        # opens a new one on the same file). Calls in flight finish first; later ones raise.
        await entry.runtime_data.coordinator.async_shutdown()
        await hass.async_add_executor_job(entry.runtime_data.core.close)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: DomoGuardConfigEntry) -> None:
    """The repair issues belong to the entry; the audit history stays on disk (it is the home's record)."""
    from homeassistant.helpers import issue_registry as ir  # noqa: PLC0415

    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
