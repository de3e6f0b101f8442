"""The integration's full and incremental refresh inside Home Assistant, on the synthetic home of
tests/bench (2,000 devices / 10,000 entities by default, DG_BENCH_DEVICES to change it) registered
through HA's own area, device and entity registries and state machine.

Prints figures (medians); asserts only that the audits ran. Run by tests/bench/bench_ha_refresh.sh
inside the HA root, next to the integration's own tests (it uses their pytest setup).
"""

from __future__ import annotations

import os
import statistics
import time

from pytest_homeassistant_custom_component.common import MockConfigEntry

# Imported here, at collection, so that `custom_components` is this folder's package and not the
# test config folder's one (which comes first on sys.path once HA runs), as in the integration's tests.
from custom_components.domoguard.home import async_collect_replies

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

DEVICES = int(os.environ.get("DG_BENCH_DEVICES", "2000"))
RUNS = int(os.environ.get("DG_BENCH_RUNS", "5"))

# (first entity's domain, its device class, manufacturer, model), as in tests/bench/bench_audit.cpp.
KINDS = [
    ("light", None, "Signify Netherlands B.V.", "Hue color bulb"),
    ("switch", "outlet", "TuYa", "Smart plug"),
    ("sensor", "temperature", "Xiaomi", "Aqara temperature sensor"),
    ("binary_sensor", "smoke", "Heiman", "Smoke detector"),
    ("lock", None, "Yale", "Assure Lock 2"),
    ("camera", None, "Reolink", "E1 Zoom"),
    ("climate", None, "Danfoss", "Ally thermostat"),
    ("media_player", None, "Sonos", "One"),
    ("cover", "garage", "Chamberlain", "MyQ"),
    ("binary_sensor", "motion", "Philips", "Motion sensor"),
]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def build_home(hass: HomeAssistant) -> dict[str, str]:
    """Registers the home; returns a few entity ids the benchmark changes."""
    assert await async_setup_component(hass, "homeassistant", {})
    source = MockConfigEntry(domain="test", title="Bench devices")
    source.add_to_hass(hass)
    areas = ar.async_get(hass)
    area_ids = [areas.async_create("Kids room" if a == 3 else f"Room {a}").id for a in range(40)]
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    picked: dict[str, str] = {}
    for d in range(DEVICES):
        domain, device_class, manufacturer, model = KINDS[d % len(KINDS)]
        device = devices.async_get_or_create(
            config_entry_id=source.entry_id,
            identifiers={("test", f"uid{d}")},
            connections={(dr.CONNECTION_NETWORK_MAC, f"02:00:00:00:{d // 256 % 256:02x}:{d % 256:02x}")},
            name=f"{model} {d}",
            manufacturer=manufacturer,
            model=model,
            sw_version=None if d % 7 == 0 else f"1.{d % 13}",
            configuration_url="http://10.0.0.5/" if d % 50 == 0 else None,
        )
        devices.async_update_device(device.id, area_id=area_ids[d % 40])
        for e in range(5):
            dom = domain if e == 0 else ("sensor", "update", "switch", "binary_sensor")[e - 1]
            child_lock = e == 3 and d % 9 == 0
            entry = entities.async_get_or_create(
                dom, "test", f"uid{d}_{e}", device_id=device.id, config_entry=source,
                original_device_class=device_class if e == 0 else ("battery" if e == 1 else None),
                original_name="Child lock" if child_lock else "Entity",
                translation_key="child_lock" if child_lock else None,
                entity_category=EntityCategory.DIAGNOSTIC if e == 1 else None,
                has_entity_name=True,
            )
            attrs: dict[str, object] = {}
            state = "on"
            if e == 0 and device_class:
                attrs["device_class"] = device_class
            if e == 1:
                attrs = {"device_class": "battery", "unit_of_measurement": "%"}
                state = str(d * 7 % 100)
                picked.setdefault("battery", entry.entity_id)
                if device_class == "smoke":  # a low battery on a smoke detector is a finding (DG-FS-003)
                    picked.setdefault("smoke_battery", entry.entity_id)
            if e == 2:
                attrs = {"installed_version": "1.0", "latest_version": "1.1" if d % 5 == 0 else "1.0", "auto_update": False}
                state = "on" if d % 5 == 0 else "off"
            if e == 0 and dom == "light":
                picked.setdefault("light", entry.entity_id)
            hass.states.async_set(entry.entity_id, state, attrs)
            if e == 0 and d % 4 == 0:
                async_expose_entity(hass, "conversation", entry.entity_id, True)
    await hass.async_block_till_done()
    return picked


async def test_refresh_figures(hass: HomeAssistant, enable_custom_integrations: None, capsys) -> None:
    t0 = time.perf_counter()
    picked = await build_home(hass)
    built_s = time.perf_counter() - t0

    config_entry = MockConfigEntry(domain="domoguard", title="DomoGuard", data={}, options={"debounce_seconds": 1})
    config_entry.add_to_hass(hass)
    t0 = time.perf_counter()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    setup_s = time.perf_counter() - t0
    coordinator = config_entry.runtime_data.coordinator
    assert coordinator.last_update_success

    full, whole, collect, core = [], [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        await coordinator.async_refresh()
        full.append(time.perf_counter() - t0)
        assert coordinator.last_update_success
        # As after a registry change (a name may differ): the audit answer is read whole too.
        coordinator.answers_stale = True
        t0 = time.perf_counter()
        await coordinator.async_refresh()
        whole.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        replies = await async_collect_replies(hass, coordinator.commands)
        collect.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await hass.async_add_executor_job(coordinator.core.load_replies, replies, coordinator.origin)
        core.append(time.perf_counter() - t0)

    if os.environ.get("DG_BENCH_PROFILE"):
        # Where a full refresh spends its time in the event loop's thread (the executor's C++ work
        # shows as waiting): the top entries by cumulative time.
        import cProfile  # noqa: PLC0415
        import pstats  # noqa: PLC0415

        profiler = cProfile.Profile()
        profiler.enable()
        await coordinator.async_refresh()
        profiler.disable()
        with capsys.disabled():
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    # State changes that are finding inputs (a battery level), from the event to the refreshed findings
    # (the short wait that gathers changes arriving together left out): one that keeps the findings
    # (a low battery getting lower: only its evidence changes), and one that opens or resolves a
    # finding (a battery running low, then charged). And one that is no finding input (a light).
    battery = picked["battery"]
    attrs = {"device_class": "battery", "unit_of_measurement": "%"}
    hass.states.async_set(battery, "3", attrs)
    await coordinator.async_apply_states()
    kept, flipped, ignored = [], [], []
    # Each change measured on an idle integration: what the previous one started in the background
    # (the modes' check, a debounced no-op) has finished.
    for i in range(RUNS):
        await hass.async_block_till_done()
        t0 = time.perf_counter()
        hass.states.async_set(battery, str(4 + i), attrs)
        await coordinator.async_apply_states()
        kept.append(time.perf_counter() - t0)
    low = [f for f in coordinator.data.findings if (f.get("subject") or {}).get("id") == _device_of(hass, battery)]
    smoke = picked["smoke_battery"]
    smoke_device = _device_of(hass, smoke)
    for i in range(RUNS * 2):
        await hass.async_block_till_done()
        t0 = time.perf_counter()
        hass.states.async_set(smoke, "3" if i % 2 == 0 else "80", attrs)
        await coordinator.async_apply_states()
        flipped.append(time.perf_counter() - t0)
        opened = any(f["rule"] == "DG-FS-003" and (f.get("subject") or {}).get("id") == smoke_device
                     for f in coordinator.data.findings)
        assert opened == (i % 2 == 0), "the smoke detector's low battery opens and resolves a finding"
    for i in range(RUNS):
        await hass.async_block_till_done()
        t0 = time.perf_counter()
        hass.states.async_set(picked["light"], "off" if i % 2 == 0 else "on", {})
        await hass.async_block_till_done()
        ignored.append(time.perf_counter() - t0)
    assert coordinator.last_update_success
    findings = len(coordinator.data.findings)

    with capsys.disabled():
        print()
        print(f"HA home: {DEVICES} devices, {DEVICES * 5} entities registered in {built_s:.1f} s; "
              f"integration set up (first audit) in {setup_s * 1000:.0f} ms; {findings} findings")
        print(f"full refresh:               {median_ms(full):8.1f} ms median of {RUNS} (target <= 100 ms; "
              "no finding opened or resolved)")
        print(f"  reading the audit whole:  {median_ms(whole):8.1f} ms median (after a registry change)")
        print(f"  collecting the replies:   {median_ms(collect):8.1f} ms (Python, in the event loop)")
        print(f"  core load + audit:        {median_ms(core):8.1f} ms (executor)")
        print(f"state change re-audited:    {median_ms(kept):8.1f} ms median (target <= 5 ms; findings kept, "
              f"{len(low)} on that device)")
        print(f"  opening/resolving one:    {median_ms(flipped):8.1f} ms median (a smoke detector's battery "
              "low, then charged: the audit answer is read again)")
        print(f"state change of no input:   {median_ms(ignored):8.1f} ms median (filtered out before any refresh)")


def _device_of(hass: HomeAssistant, entity_id: str) -> str:
    entry = er.async_get(hass).async_get(entity_id)
    return entry.device_id if entry else ""
