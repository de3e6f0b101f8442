"""DomoGuard: an ISO/IEC 27403 security and privacy auditor for Home Assistant homes.

The work is done by the native core (``domoguard._core``, C++). This package gives it a typed Python
face for the Home Assistant integration::

    from domoguard import Core, DomoGuardError, HubPort, __version__

    core = Core(db_path="/config/domoguard.db", lang="en", port=my_port)
    core.load_replies({"config/device_registry/list": "[...]", ...}, origin="hass")
    core.handle({"type": "domoguard/audit"})

Every call releases the GIL while C++ runs; run them in an executor thread, never on the event loop.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, runtime_checkable

from ._errors import DomoGuardError
from . import _core

__all__ = ["ACTION_KINDS", "Core", "DomoGuardError", "HubPort", "PlanAction", "__version__"]

__version__: str = _core.__version__

#: Every action kind the core's plans use (model::ActionKind): a HubPort must handle each one.
ACTION_KINDS: tuple[str, ...] = tuple(_core.ACTION_KINDS)

#: One plan action as the port receives it: {"kind", "target", "param", "before", "after"}.
PlanAction = dict[str, str]


@runtime_checkable
class HubPort(Protocol):
    """How plans reach the hub. The core calls these from the thread that called ``Core.handle``.

    Action kinds and value encodings (plugin/src/policy/plan.hpp): ``set_exposure`` (target entity,
    param assistant, "true"/"false"), ``set_expose_new`` (target "hub", param assistant),
    ``disable_entity`` / ``hide_entity`` ("true"/"false"), ``switch`` ("on"/"off"), ``lock``
    ("locked"/"unlocked"), ``select_option`` (the option), ``set_analytics`` (target "hub", param the
    preference, "true"/"false").
    """

    def read(self, action: PlanAction) -> str:
        """The target's current value in the action's encoding."""
        ...

    def write(self, action: PlanAction, value: str) -> None:
        """Set the target to ``value``; return once the hub accepted it, raise to fail this step
        (the core then rolls back the steps already done)."""
        ...


class Core(_core.Core):
    """One home's DomoGuard core. Thread-safe; each call releases the GIL while C++ runs.

    ``Core(db_path="", lang="en", port=None, live=True)``: ``db_path`` is the SQLite file for history,
    journal, notices and the event log ("" keeps a journal in memory and no history); ``port`` is a
    :class:`HubPort` (None: plans can be previewed, not applied); ``live`` says the port changes a real
    hub, so the caller reloads the replies after a change (False: the core re-audits its own copy).
    Raises :class:`DomoGuardError` when the database cannot be opened.
    """

    def __init__(self, db_path: str = "", lang: str = "en", port: HubPort | None = None, live: bool = True) -> None:
        super().__init__(db_path, lang, port, live)

    def handle(self, request: dict[str, Any] | str) -> dict[str, Any]:
        """One ``domoguard/*`` command (a dict, or its JSON text). Returns the parsed reply:
        ``{"type": "result", "success": True, "result": ...}`` or
        ``{"type": "result", "success": False, "error": {"code", "key", "message"}}`` (an "id" is echoed)."""
        text = request if isinstance(request, str) else json.dumps(request, ensure_ascii=False)
        return json.loads(self.handle_text(text))

    def load_replies(self, replies: dict[str, str], origin: str) -> dict[str, Any]:
        """Builds the home from WebSocket replies (command -> JSON text of its ``result``), audits it and
        returns ``{"audit_id", "score", "new": [finding keys], "resolved": [finding keys]}``.
        Raises :class:`DomoGuardError` (with ``key``) on malformed replies."""
        return super().load_replies(replies, origin)

    def apply_states(self, states: list[str], origin: str) -> dict[str, Any] | None:
        """Applies state changes (JSON text of each new state, the shape of one ``get_states`` item) to
        the loaded home in place; only the devices they touch and the home-level rules are audited again.
        Returns what :meth:`load_replies` returns (``audit_id`` 0 when nothing opened or resolved, as
        that audit is not stored again), or None when the home must be loaded whole instead (an entity
        it does not know). Raises :class:`DomoGuardError` on malformed JSON."""
        return super().apply_states(states, origin)

    @staticmethod
    def audit_commands() -> list[str]:
        """The WebSocket commands whose replies :meth:`load_replies` reads, in the order to send them."""
        return _core.Core.audit_commands()
