"""Button: apply the recommended level to every service category at once."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DomoGuardConfigEntry, DomoGuardCoordinator
from .entity import DomoGuardEntity

PARALLEL_UPDATES = 1

APPLY_RECOMMENDED = ButtonEntityDescription(key="apply_recommended", translation_key="apply_recommended")


async def async_setup_entry(
    hass: HomeAssistant, entry: DomoGuardConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    async_add_entities([ApplyRecommendedButton(entry.runtime_data.coordinator)])


class ApplyRecommendedButton(DomoGuardEntity, ButtonEntity):
    entity_description = APPLY_RECOMMENDED

    def __init__(self, coordinator: DomoGuardCoordinator) -> None:
        super().__init__(coordinator, APPLY_RECOMMENDED.key)

    async def async_press(self) -> None:
        await self.coordinator.async_apply(["--level", "recommended"], await self.async_admin_name())
