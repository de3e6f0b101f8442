"""Selects: the security level of each service category (7.1.2, 7.1.3) and the scenario (7.1.7).

Choosing an option applies that plan at once (the panel shows the preview first); what is in force
comes from the core's journal (domoguard/settings), so undoing a plan from the panel shows here too.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CATEGORIES, LEVELS, SCENARIOS
from .coordinator import DomoGuardConfigEntry, DomoGuardCoordinator
from .entity import DomoGuardEntity

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: DomoGuardConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    coordinator = entry.runtime_data.coordinator
    entities: list[SelectEntity] = [LevelSelect(coordinator, c) for c in CATEGORIES]
    entities.append(ScenarioSelect(coordinator))
    async_add_entities(entities)


class LevelSelect(DomoGuardEntity, SelectEntity):
    _attr_entity_category = EntityCategory.CONFIG
    _attr_options = list(LEVELS)

    def __init__(self, coordinator: DomoGuardCoordinator, category: str) -> None:
        super().__init__(coordinator, f"level_{category}")
        self._category = category
        self.entity_description = SelectEntityDescription(key=f"level_{category}", translation_key=f"level_{category}")

    def _category_settings(self) -> dict[str, Any] | None:
        settings = self.coordinator.data.settings if self.coordinator.data else None
        for c in (settings or {}).get("categories") or []:
            if c.get("name") == self._category:
                return c
        return None

    @property
    def available(self) -> bool:
        return super().available and self._category_settings() is not None

    @property
    def current_option(self) -> str | None:
        level = (self._category_settings() or {}).get("level")
        return level if level in LEVELS else None

    async def async_select_option(self, option: str) -> None:
        await self.coordinator.async_apply(
            ["--level", option, "--category", self._category], await self.async_admin_name()
        )


class ScenarioSelect(DomoGuardEntity, SelectEntity):
    _attr_options = list(SCENARIOS)

    def __init__(self, coordinator: DomoGuardCoordinator) -> None:
        super().__init__(coordinator, "scenario")
        self.entity_description = SelectEntityDescription(key="scenario", translation_key="scenario")

    @property
    def available(self) -> bool:
        return super().available and self.coordinator.data.settings is not None

    @property
    def current_option(self) -> str | None:
        scenario = (self.coordinator.data.settings or {}).get("scenario")
        return scenario if scenario in SCENARIOS else None

    async def async_select_option(self, option: str) -> None:
        await self.coordinator.async_apply(["--scenario", option], await self.async_admin_name())
