"""The household texts the integration writes itself (the new-device notification).

They are the daemon's texts (locales/*.json keys `notify.*`), copied into messages.json by
bindings/homeassistant/gen_translations.py so the integration and the daemon say the same thing.
"""

from __future__ import annotations

import json
from pathlib import Path

FILE = Path(__file__).parent / "messages.json"


class Messages:
    """Texts in one language, English for anything not translated."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._texts: dict[str, str] = {}

    def load(self) -> None:
        """Blocking file read: call it in the executor."""
        catalogue = json.loads(FILE.read_text(encoding="utf-8"))
        self._texts = {**catalogue.get("en", {}), **catalogue.get(self.lang, {})}

    def text(self, key: str, **placeholders: str) -> str:
        out = self._texts.get(key, key)
        for name, value in placeholders.items():
            out = out.replace("{" + name + "}", value)
        return out
