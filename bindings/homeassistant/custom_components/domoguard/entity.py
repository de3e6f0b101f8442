"""Base entity: every DomoGuard entity belongs to one "DomoGuard" service device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import DomoGuardCoordinator


class DomoGuardEntity(CoordinatorEntity[DomoGuardCoordinator]):
    _attr_has_entity_name = True

    def __init__(self, coordinator: DomoGuardCoordinator, key: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name="DomoGuard",
            manufacturer="DomoGuard",
            model="ISO/IEC 27403 auditor",
            entry_type=DeviceEntryType.SERVICE,
            sw_version=str(coordinator.data.status.get("version", "")) if coordinator.data else None,
        )
