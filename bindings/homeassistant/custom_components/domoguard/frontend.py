"""The DomoGuard panel (sidebar, admins only) and the dashboard card, served by the integration.

One ES module (ui-panel/dist/domoguard-panel.js, copied here by bindings/homeassistant/package.sh)
defines both `domoguard-panel` and `domoguard-notice-card`; the panel loads it as its module, and
the card is made available on every dashboard by adding the same URL as an extra module.
"""

from __future__ import annotations

from pathlib import Path

from homeassistant.components import frontend, panel_custom
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant, callback

from .const import (
    DOMAIN,
    LOGGER,
    PANEL_ELEMENT,
    PANEL_FILE,
    PANEL_ICON,
    PANEL_TITLE,
    PANEL_URL_PATH,
    STATIC_URL,
)

FRONTEND_DIR = Path(__file__).parent / "frontend"
DATA_STATIC = f"{DOMAIN}_static_registered"


def module_url() -> str:
    """The bundle's URL, versioned by its content so browsers never run a stale panel."""
    from hashlib import sha256  # noqa: PLC0415

    bundle = FRONTEND_DIR / PANEL_FILE
    tag = sha256(bundle.read_bytes()).hexdigest()[:12] if bundle.is_file() else "missing"
    return f"{STATIC_URL}/{PANEL_FILE}?v={tag}"


async def async_register_frontend(hass: HomeAssistant) -> None:
    if not await hass.async_add_executor_job((FRONTEND_DIR / PANEL_FILE).is_file):
        LOGGER.warning(
            "The DomoGuard panel bundle is missing (%s); the panel and card are not served. "
            "Install a release, or run bindings/homeassistant/package.sh",
            FRONTEND_DIR / PANEL_FILE,
        )
        return
    url = await hass.async_add_executor_job(module_url)
    if not hass.data.get(DATA_STATIC):
        # Static routes cannot be removed while HA runs: register them once per start.
        await hass.http.async_register_static_paths([StaticPathConfig(STATIC_URL, str(FRONTEND_DIR), True)])
        hass.data[DATA_STATIC] = True
    if PANEL_URL_PATH not in hass.data.get(frontend.DATA_PANELS, {}):
        await panel_custom.async_register_panel(
            hass,
            frontend_url_path=PANEL_URL_PATH,
            webcomponent_name=PANEL_ELEMENT,
            sidebar_title=PANEL_TITLE,
            sidebar_icon=PANEL_ICON,
            module_url=url,
            require_admin=True,
            config={"transport": "hass"},
        )
    frontend.add_extra_js_url(hass, url)
    hass.data[f"{DOMAIN}_extra_js"] = url


@callback
def async_unregister_frontend(hass: HomeAssistant) -> None:
    frontend.async_remove_panel(hass, PANEL_URL_PATH, warn_if_unknown=False)
    if (url := hass.data.pop(f"{DOMAIN}_extra_js", None)) is not None:
        frontend.remove_extra_js_url(hass, url)
