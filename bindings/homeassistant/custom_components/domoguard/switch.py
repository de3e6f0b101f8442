"""Switches: child-safe mode (7.1.5, 7.1.6) and privacy by default for new devices (7.3.2)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DomoGuardConfigEntry, DomoGuardCoordinator
from .entity import DomoGuardEntity

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: DomoGuardConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    coordinator = entry.runtime_data.coordinator
    async_add_entities([ChildSafeSwitch(coordinator), PrivacyDefaultSwitch(coordinator)])


class _SettingSwitch(DomoGuardEntity, SwitchEntity):
    _setting: str

    def __init__(self, coordinator: DomoGuardCoordinator) -> None:
        super().__init__(coordinator, self._setting)
        self.entity_description = SwitchEntityDescription(key=self._setting, translation_key=self._setting)

    @property
    def available(self) -> bool:
        return super().available and self.coordinator.data.settings is not None

    @property
    def is_on(self) -> bool | None:
        value = ((self.coordinator.data.settings or {}).get(self._setting) or {}).get("on")
        return bool(value) if value is not None else None


class ChildSafeSwitch(_SettingSwitch):
    """On applies the child-safe plan; off undoes exactly that plan (from the journal)."""

    _setting = "child_safe"

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.coordinator.async_apply(["--child-safe", "on"], await self.async_admin_name())

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.coordinator.async_apply(["--child-safe", "off"], await self.async_admin_name())


class PrivacyDefaultSwitch(_SettingSwitch):
    _setting = "privacy_default"
    _attr_entity_category = EntityCategory.CONFIG

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.coordinator.async_set_privacy_default(True, await self.async_admin_name())

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.coordinator.async_set_privacy_default(False, await self.async_admin_name())
