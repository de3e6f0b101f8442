"""Sensors: the home's score and its open findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription, SensorStateClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DomoGuardConfigEntry, DomoGuardData
from .entity import DomoGuardEntity

PARALLEL_UPDATES = 0
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, kw_only=True)
class DomoGuardSensorDescription(SensorEntityDescription):
    value_fn: Callable[[DomoGuardData], int | None]
    attrs_fn: Callable[[DomoGuardData], dict[str, Any]] = lambda _: {}


def _summary(data: DomoGuardData) -> dict[str, Any]:
    summary = data.audit.get("summary") or {}
    return {s: int(summary.get(s, 0)) for s in SEVERITIES}


SENSORS: tuple[DomoGuardSensorDescription, ...] = (
    DomoGuardSensorDescription(
        key="home_score",
        translation_key="home_score",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: d.score,
        attrs_fn=lambda d: {"audited_at": d.audit.get("audited_at")},
    ),
    DomoGuardSensorDescription(
        key="open_findings",
        translation_key="open_findings",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: len(d.findings),
        attrs_fn=_summary,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: DomoGuardConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    coordinator = entry.runtime_data.coordinator
    async_add_entities(DomoGuardSensor(coordinator, d) for d in SENSORS)


class DomoGuardSensor(DomoGuardEntity, SensorEntity):
    entity_description: DomoGuardSensorDescription

    def __init__(self, coordinator: Any, description: DomoGuardSensorDescription) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> int | None:
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return self.entity_description.attrs_fn(self.coordinator.data)
