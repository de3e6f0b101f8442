"""DomoGuard's coordinator: when the home is audited, and what the last audit said.

The data flows one way: Home Assistant → home.py gathers it in HA's own WebSocket reply shapes →
the core (`domoguard.Core`, C++) builds the home and audits it → the answers the entities read
(DomoGuardData) → notify.py tells the household. follow.py decides what a change of HA costs: a
state change of an entity a rule reads is applied to the core's home in place and only its device
is audited again; anything else gathers the home whole (debounced). changes.py applies and undoes
plans through the core. The core keeps the audit history, the journal of applied plans and the
settings in one SQLite file under `.storage/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domoguard import Core, DomoGuardError

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util.json import json_loads_object

from .changes import Changes
from .const import CONF_DEBOUNCE, DEFAULT_DEBOUNCE, DOMAIN, LOGGER
from .follow import POLLED, Follower
from .home import async_collect_replies, state_json
from .messages import Messages
from .notify import async_sync_issues, finding_key, issue_id_for, markdown_text, plain_text

__all__ = [
    "DomoGuardConfigEntry", "DomoGuardCoordinator", "DomoGuardData", "DomoGuardRuntimeData",
    "finding_key", "issue_id_for", "markdown_text", "plain_text",
]

# A periodic full audit as a safety net; changes are audited as they happen.
UPDATE_INTERVAL = timedelta(hours=1)
# State changes arriving together (a scene, a bridge reporting many devices) are applied as one.
STATE_DELAY = 0.3
# More pending state changes than this: gathering the home whole is cheaper.
MAX_PENDING_STATES = 500
# Requests that only read: anything else (apply, undo, accept, settings, the modes' checks, ...) may
# change what the audit answer shows, so the next audit reads it whole again.
READ_ONLY_VERBS = frozenset(
    {"domoguard/status", "domoguard/audit", "domoguard/device", "domoguard/catalog", "domoguard/explain",
     "domoguard/history", "domoguard/journal", "domoguard/plan", "domoguard/notice", "domoguard/settings",
     "domoguard/hold", "domoguard/accepted", "domoguard/verbs",
     # What a mode's check puts back changes the home, which comes back as a change of its own.
     "domoguard/hold/check"}
)


@dataclass(frozen=True, slots=True)
class DomoGuardData:
    """What the last audit said (the `domoguard/*` answers the entities need)."""

    status: dict[str, Any]
    audit: dict[str, Any]
    settings: dict[str, Any] | None
    new: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)

    @property
    def score(self) -> int | None:
        return self.audit.get("score")

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.audit.get("findings") or []


type DomoGuardConfigEntry = ConfigEntry[DomoGuardRuntimeData]


@dataclass(slots=True)
class DomoGuardRuntimeData:
    """entry.runtime_data: the core and the coordinator around it."""

    core: Core
    coordinator: DomoGuardCoordinator
    lang: str


class DomoGuardCoordinator(DataUpdateCoordinator[DomoGuardData]):
    """Runs the core's audits; every `domoguard/*` request goes through `async_handle`."""

    config_entry: DomoGuardConfigEntry

    def __init__(self, hass: HomeAssistant, entry: DomoGuardConfigEntry, core: Core, lang: str) -> None:
        cooldown = float(entry.options.get(CONF_DEBOUNCE, DEFAULT_DEBOUNCE))
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=UPDATE_INTERVAL,
            request_refresh_debouncer=Debouncer(hass, LOGGER, cooldown=cooldown, immediate=False),
            always_update=True,
        )
        self.core = core
        self.lang = lang
        self.origin = "homeassistant"
        self.messages = Messages(lang)
        self.commands: list[str] = []
        self.changes = Changes(self)
        # What the last full refresh read of the facts HA fires no event for (follow.py compares).
        self.polled_replies: dict[str, str] = {}
        self._pending_states: dict[str, State | None] = {}
        self._states_debouncer = Debouncer(
            hass, LOGGER, cooldown=STATE_DELAY, immediate=False, function=self.async_apply_states
        )
        self._audited_listeners: list[Callable[[], None]] = []
        # Whether the audit answer (names, titles, accepted risks) may differ from the one held even
        # when no finding opened or resolved: set by registry changes and by requests that change things.
        self.answers_stale = True

    async def _async_setup(self) -> None:
        from homeassistant.helpers import instance_id  # noqa: PLC0415

        # The core keys its history and journal by this origin: stable across restarts.
        self.origin = f"homeassistant:{await instance_id.async_get(self.hass)}"
        self.commands = await self.hass.async_add_executor_job(self.core.audit_commands)
        await self.hass.async_add_executor_job(self.messages.load)

    # ---- the core ------------------------------------------------------------------------------
    async def async_handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """One `domoguard/*` request, answered by the core in the executor (it never blocks the loop)."""
        request = {"lang": self.lang, **request}
        if request.get("type") not in READ_ONLY_VERBS:
            self.answers_stale = True
        return await self.hass.async_add_executor_job(self._handle, request)

    def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Core.handle with HA's own JSON (orjson) both ways: the audit answer is megabytes of JSON."""
        return json_loads_object(self.core.handle_text(json_dumps(request)))

    async def async_result(self, request: dict[str, Any]) -> Any:
        """The `result` of a request, or HomeAssistantError carrying the core's message."""
        reply = await self.async_handle(request)
        if not reply.get("success"):
            error = reply.get("error") or {}
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="core_error",
                translation_placeholders={"message": str(error.get("message", "?"))[:300]},
            )
        return reply.get("result")

    # ---- changes (changes.py) ------------------------------------------------------------------
    async def async_apply(self, selector: list[str], user: str | None = None) -> dict[str, Any]:
        """Applies a plan through the hub port; the home is audited again afterwards."""
        return await self.changes.async_change({"type": "domoguard/apply", "selector": selector}, user)

    async def async_undo(self, journal_id: int | None = None, user: str | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "domoguard/undo"}
        if journal_id is not None:
            request["journal_id"] = journal_id
        return await self.changes.async_change(request, user)

    async def async_recover(self) -> list[int]:
        return await self.changes.async_recover()

    async def async_set_privacy_default(self, on: bool, user: str | None = None) -> None:
        await self.changes.async_set_privacy_default(on, user)

    # ---- full refresh: the home gathered whole -------------------------------------------------
    async def _async_update_data(self) -> DomoGuardData:
        replies = await async_collect_replies(self.hass, self.commands)
        self.polled_replies = {c: replies[c] for c in POLLED if c in replies}
        # States that arrived before this gathering are in it.
        self._pending_states.clear()
        try:
            delta = await self.hass.async_add_executor_job(self.core.load_replies, replies, self.origin)
        except DomoGuardError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="audit_failed",
                translation_placeholders={"message": str(err)[:300]},
            ) from err
        # The coordinator's listeners (entities, the modes guard) hear of it once the data is set.
        return await self._async_read_answers(delta)

    async def _async_read_answers(self, delta: dict[str, Any]) -> DomoGuardData:
        """The answers the entities show, from the core's latest audit. The audit document (every
        finding, in words) is read again only when it can differ from the one held: a finding opened
        or resolved, the score moved, or a name, an accepted risk or a setting changed."""
        held = self.data
        whole = (self.answers_stale or held is None or bool(delta.get("new")) or bool(delta.get("resolved"))
                 or delta.get("score") != held.score)
        self.answers_stale = False
        status, audit, settings = await self.hass.async_add_executor_job(self._read_answers, whole)
        if audit is None and held is not None:
            # The same findings, the same words: only when it was audited is new.
            audit = {"success": True, "result": {**held.audit, "audited_at": (status.get("result") or {}).get(
                "audited_at", held.audit.get("audited_at"))}}
        if audit is None or not audit.get("success"):
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="audit_failed",
                translation_placeholders={"message": str((audit.get("error") or {}).get("message"))[:300]},
            )
        data = DomoGuardData(
            status=status.get("result") or {},
            audit=audit["result"],
            # An older core without domoguard/settings: the level, scenario and mode entities stay unknown.
            settings=settings.get("result") if settings.get("success") else None,
            new=list(delta.get("new") or []),
            resolved=list(delta.get("resolved") or []),
        )
        if whole:
            async_sync_issues(self.hass, data.audit)
        return data

    def _read_answers(self, whole: bool) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
        """Runs in the executor: the answers in one hop."""
        def ask(verb: str) -> dict[str, Any]:
            return self._handle({"lang": self.lang, "type": verb})

        return ask("domoguard/status"), ask("domoguard/audit") if whole else None, ask("domoguard/settings")

    @callback
    def async_schedule_full_refresh(self, names_may_change: bool = True) -> None:
        """A change that needs the home gathered whole (debounced by the entry's option)."""
        if names_may_change:
            self.answers_stale = True
        self.hass.async_create_task(self.async_request_refresh(), eager_start=True)

    # ---- incremental refresh: state changes applied in place -----------------------------------
    @callback
    def async_state_changed(self, entity_id: str, new_state: State | None) -> None:
        """A state a rule reads changed: gathered for a moment, then applied in place."""
        self._pending_states[entity_id] = new_state
        self.hass.async_create_task(self._states_debouncer.async_call(), eager_start=True)

    async def async_apply_states(self) -> None:
        """Applies the pending state changes to the core's home; only their devices and the home-level
        rules are audited again. Falls back to a full refresh when the core cannot apply them in place
        (a new or removed entity) or when there are too many."""
        pending, self._pending_states = self._pending_states, {}
        if not pending or self.data is None:
            return
        texts = [state_json(s) for s in pending.values()] if len(pending) <= MAX_PENDING_STATES else []
        if not texts or any(t is None for t in texts):
            await self.async_refresh()
            return
        try:
            delta = await self.hass.async_add_executor_job(self.core.apply_states, texts, self.origin)
        except DomoGuardError as err:
            LOGGER.debug("State changes not applied in place (%s); gathering the home", err)
            delta = None
        if delta is None:
            await self.async_refresh()
            return
        if delta["new"] or delta["resolved"] or delta["score"] != self.data.score:
            # What the entities show changed: read the answers again and tell every listener.
            try:
                self.async_set_updated_data(await self._async_read_answers(delta))
            except UpdateFailed as err:
                LOGGER.warning("Reading the audit failed: %s", err)
            return
        # No finding opened or resolved: the entities show the same; the modes guard still checks.
        self._async_audited()

    # ---- who hears of each audit ---------------------------------------------------------------
    @callback
    def async_add_audited_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Called after an audit in place that changed no finding (the entities' listeners are not:
        they show the same); the modes that hold compare the home with the settings after each change."""
        self._audited_listeners.append(listener)

        @callback
        def remove() -> None:
            if listener in self._audited_listeners:
                self._audited_listeners.remove(listener)

        return remove

    @callback
    def _async_audited(self) -> None:
        for listener in list(self._audited_listeners):
            listener()

    @callback
    def async_start_listening(self) -> None:
        """Follows Home Assistant's changes (follow.py) until the entry unloads."""
        self.config_entry.async_on_unload(Follower(self.hass, self).async_start())
        self.config_entry.async_on_unload(self._states_debouncer.async_shutdown)
