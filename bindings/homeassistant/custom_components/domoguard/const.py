"""Constants for the DomoGuard integration."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

DOMAIN: Final = "domoguard"
LOGGER = logging.getLogger(__package__)

# Options (the options flow): language of the reports, how long registry changes are gathered
# before one re-audit, and whether a newly paired device is announced.
CONF_LANGUAGE: Final = "language"
CONF_DEBOUNCE: Final = "debounce_seconds"
CONF_NOTIFY_NEW: Final = "notify_new_devices"
LANGUAGE_AUTO: Final = "auto"
LANGUAGES: Final = ("auto", "en", "de", "fr", "es", "nl")
DEFAULT_DEBOUNCE: Final = 5
MIN_DEBOUNCE: Final = 1
MAX_DEBOUNCE: Final = 300

# A new device's entities arrive just after the device: wait this long before auditing it.
NEW_DEVICE_DELAY: Final = timedelta(seconds=3)
# One plan step (a service call or a registry write) may not take longer than this.
PORT_TIMEOUT: Final = 30.0

# The service categories, levels and scenarios of manifests/policy/*.json (entities need fixed
# translation keys; the core says which are in force through domoguard/settings).
CATEGORIES: Final = (
    "access_locks",
    "cameras_video",
    "voice_microphones",
    "presence_location",
    "media_content",
    "energy_appliances",
    "hub",
)
LEVELS: Final = ("basic", "recommended", "strict")
SCENARIOS: Final = ("home", "away", "guests", "night")

# Findings at or above this severity become repair issues.
REPAIR_SEVERITIES: Final = ("high", "critical")
# At most this many (critical first): a home with hundreds of exposed cameras would otherwise bury
# HA's Repairs page (and cost the event loop tens of ms per audit); the panel lists every finding.
MAX_REPAIR_ISSUES: Final = 50

PANEL_URL_PATH: Final = "domoguard"
PANEL_ELEMENT: Final = "domoguard-panel"
PANEL_ICON: Final = "mdi:shield-home"
PANEL_TITLE: Final = "DomoGuard"
STATIC_URL: Final = "/domoguard_static"
PANEL_FILE: Final = "domoguard-panel.js"

DB_FILE: Final = "domoguard.db"
