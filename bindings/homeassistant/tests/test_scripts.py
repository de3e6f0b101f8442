"""Scripts reach the core inside Home Assistant as they reach it from the daemon: one script/config
result per script, beside the entity id it belongs to, so the voice and automation checks follow
what a script does."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.domoguard.home import async_collect_replies


async def test_scripts_are_collected_with_their_entity_ids(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "script", {"script": {
        "let_in": {"alias": "Let the guests in",
                   "sequence": [{"action": "lock.unlock", "target": {"entity_id": "lock.front_door"}}]},
        "good_night": {"sequence": [{"action": "light.turn_off", "target": {"entity_id": "light.hall"}}]},
    }})
    await hass.async_block_till_done()
    replies = await async_collect_replies(hass, {"script/config"})
    scripts = {s["entity_id"]: s["config"] for s in json.loads(replies["script/config"])}
    assert set(scripts) == {"script.let_in", "script.good_night"}
    assert scripts["script.let_in"]["alias"] == "Let the guests in"
    assert scripts["script.let_in"]["sequence"][0]["action"] == "lock.unlock"


async def test_no_scripts_part_without_the_script_integration(hass: HomeAssistant) -> None:
    replies = await async_collect_replies(hass, {"script/config"})
    assert "script/config" not in replies
