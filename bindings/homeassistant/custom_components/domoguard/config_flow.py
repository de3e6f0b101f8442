"""Config flow: one DomoGuard per Home Assistant; options for language, debounce and notifications."""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .const import (
    CONF_DEBOUNCE,
    CONF_LANGUAGE,
    CONF_NOTIFY_NEW,
    DEFAULT_DEBOUNCE,
    DOMAIN,
    LANGUAGE_AUTO,
    LANGUAGES,
    LOGGER,
    MAX_DEBOUNCE,
    MIN_DEBOUNCE,
)


def _core_version() -> str:
    """Loads the native core once (blocking: run in the executor) to prove it works here."""
    from domoguard import Core, __version__  # noqa: PLC0415

    Core(db_path="", lang="en", port=None, live=False).handle({"type": "domoguard/status"})
    return __version__


class DomoGuardConfigFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                version = await self.hass.async_add_executor_job(_core_version)
            except Exception:  # noqa: BLE001 - any failure to load the native core
                LOGGER.exception("The DomoGuard core could not be loaded")
                errors["base"] = "core_failed"
            else:
                LOGGER.debug("DomoGuard core %s loaded", version)
                return self.async_create_entry(title="DomoGuard", data={})
        return self.async_show_form(step_id="user", data_schema=probatio.Schema({}), errors=errors)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: Any) -> DomoGuardOptionsFlow:
        return DomoGuardOptionsFlow()


class DomoGuardOptionsFlow(OptionsFlowWithReload):
    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        schema = probatio.Schema(
            {
                probatio.Required(CONF_LANGUAGE, default=options.get(CONF_LANGUAGE, LANGUAGE_AUTO)): SelectSelector(
                    SelectSelectorConfig(
                        options=list(LANGUAGES), mode=SelectSelectorMode.DROPDOWN, translation_key=CONF_LANGUAGE
                    )
                ),
                probatio.Required(CONF_DEBOUNCE, default=options.get(CONF_DEBOUNCE, DEFAULT_DEBOUNCE)): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_DEBOUNCE, max=MAX_DEBOUNCE, step=1, mode=NumberSelectorMode.BOX,
                        unit_of_measurement="s",
                    )
                ),
                probatio.Required(CONF_NOTIFY_NEW, default=options.get(CONF_NOTIFY_NEW, True)): BooleanSelector(),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
