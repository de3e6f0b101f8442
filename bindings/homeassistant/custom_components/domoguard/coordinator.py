"""DomoGuard's coordinator: audits the home in-process, on start and whenever it changes.

The core (`domoguard.Core`, C++) is fed the home as HA's own WebSocket reply shapes (home.py) and
keeps the audit history, the journal of applied plans and the settings in one SQLite file under
`.storage/`. Registry events (and state changes of entities the rules read) are gathered by HA's
Debouncer into one re-audit. A newly paired device is audited, made private when privacy by default
is on (ISO/IEC 27403 7.3.2), and announced with a persistent notification.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domoguard import Core, DomoGuardError

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import (
    CONF_DEBOUNCE,
    CONF_NOTIFY_NEW,
    DEFAULT_DEBOUNCE,
    DOMAIN,
    LOGGER,
    MAX_REPAIR_ISSUES,
    NEW_DEVICE_DELAY,
    PANEL_URL_PATH,
    REPAIR_SEVERITIES,
)
from .home import async_collect_replies
from .messages import Messages


# A periodic full audit as a safety net; changes are audited as they happen.
UPDATE_INTERVAL = timedelta(hours=1)
# State changes that can change a finding: switches (child locks), locks, selects, updates,
# cameras, batteries. Meters and other sensors change every few seconds and change no finding.
STATE_DOMAINS = frozenset(
    {"switch", "lock", "select", "update", "camera", "binary_sensor", "alarm_control_panel",
     "cover", "media_player", "assist_satellite", "person", "device_tracker", "automation"}
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


def finding_key(finding: dict[str, Any]) -> str:
    """The core's finding key (audit::Finding::key): RULE|kind:id."""
    subject = finding.get("subject") or {}
    return f"{finding.get('rule', '')}|{subject.get('kind', '')}:{subject.get('id', '')}"


def issue_id_for(key: str) -> str:
    return "finding_" + hashlib.sha256(key.encode()).hexdigest()[:20]


def plain_text(text: str, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def markdown_text(text: str, limit: int = 300) -> str:
    """Device and hub text is untrusted: shown as text in HA's markdown, never as markup or links
    (":" too: GFM turns a bare https://2130706433 into a link, dots or not)."""
    text = " ".join(str(text).split())[:limit]
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~:" else c for c in text)


class DomoGuardCoordinator(DataUpdateCoordinator[DomoGuardData]):
    """Runs the core's audits and plans; every `domoguard/*` request goes through `async_handle`."""

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
        self._new_devices: set[str] = set()
        self._new_device_timer: Callable[[], None] | None = None

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
        return await self.hass.async_add_executor_job(self.core.handle, request)

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

    async def async_apply(self, selector: list[str], user: str | None = None) -> dict[str, Any]:
        """Applies a plan through the hub port; the home is audited again afterwards."""
        return await self._async_change({"type": "domoguard/apply", "selector": selector}, user)

    async def async_undo(self, journal_id: int | None = None, user: str | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "domoguard/undo"}
        if journal_id is not None:
            request["journal_id"] = journal_id
        return await self._async_change(request, user)

    async def _async_change(self, request: dict[str, Any], user: str | None) -> dict[str, Any]:
        """A plan applied or undone, in the name of `user`; the home is audited again whatever happened."""
        if user:
            request["user"] = user
        try:
            result = await self.async_result(request)
        finally:
            await self.async_refresh()
        self._raise_if_failed(result)
        return result

    @staticmethod
    def _raise_if_failed(result: dict[str, Any]) -> None:
        if not result.get("ok", False):
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="plan_failed",
                translation_placeholders={"message": str(result.get("error") or "?")[:300]},
            )

    async def async_recover(self) -> list[int]:
        """Rolls back plans cut off earlier (Home Assistant stopped in the middle of one), through the
        core's one apply path; at setup, before anything else can change the home. Says so."""
        reply = await self.async_handle({"type": "domoguard/recover"})
        if not reply.get("success"):
            LOGGER.warning(
                "Rolling back an interrupted plan failed: %s", (reply.get("error") or {}).get("message")
            )
            return []
        result = reply.get("result") or {}
        recovered = [int(i) for i in result.get("recovered") or []]
        if recovered:
            LOGGER.warning("%s", result.get("message"))
            persistent_notification.async_create(
                self.hass,
                str(result.get("message") or ""),
                title=self.messages.text("notify.recovered.title"),
                notification_id=f"{DOMAIN}_recovered",
            )
            await self.async_refresh()
        return recovered

    async def async_set_privacy_default(self, on: bool, user: str | None = None) -> None:
        request: dict[str, Any] = {"type": "domoguard/settings/set", "privacy_default": on}
        if user:
            request["user"] = user
        await self.async_result(request)
        await self.async_refresh()

    # ---- audits --------------------------------------------------------------------------------
    async def _async_update_data(self) -> DomoGuardData:
        replies = await async_collect_replies(self.hass, self.commands)
        try:
            delta = await self.hass.async_add_executor_job(self.core.load_replies, replies, self.origin)
        except DomoGuardError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="audit_failed",
                translation_placeholders={"message": str(err)[:300]},
            ) from err
        status = await self.async_handle({"type": "domoguard/status"})
        audit = await self.async_handle({"type": "domoguard/audit"})
        settings = await self.async_handle({"type": "domoguard/settings"})
        if not audit.get("success"):
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
        self._sync_issues(data)
        return data

    @callback
    def _sync_issues(self, data: DomoGuardData) -> None:
        """One repair issue per open high or critical group (one rule on many devices is one issue;
        the most severe MAX_REPAIR_ISSUES, in a stable order); fixed and accepted ones go away."""
        findings = {finding_key(f): f for f in data.findings}
        groups = data.audit.get("groups")
        if not isinstance(groups, list):  # an older core: one group per finding
            groups = [
                {"id": k, "severity": f.get("severity"), "title": f.get("title", ""), "keys": [k],
                 "fix": {"message": (f.get("remediation") or {}).get("message", "")},
                 **({"plan": ["--fix", k]} if (f.get("remediation") or {}).get("kind") == "action" else {})}
                for k, f in findings.items()
            ]
        severe = sorted(
            (g for g in groups if isinstance(g, dict) and g.get("severity") in REPAIR_SEVERITIES),
            key=lambda g: (g.get("severity") != "critical", str(g.get("id", ""))),
        )
        wanted: dict[str, dict[str, Any]] = {issue_id_for(str(g["id"])): g for g in severe[:MAX_REPAIR_ISSUES]}
        registry = ir.async_get(self.hass)
        for (domain, issue_id) in list(registry.issues):
            if domain == DOMAIN and issue_id.startswith("finding_") and issue_id not in wanted:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
        for issue_id, g in wanted.items():
            first = findings.get((g.get("keys") or [""])[0]) or {}
            fixable = bool(g.get("plan"))
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                data={"key": str(g["id"])},
                # Every issue opens a flow: to fix it where a plan exists, or to accept the risk with a reason.
                is_fixable=True,
                is_persistent=False,
                severity=ir.IssueSeverity.CRITICAL if g["severity"] == "critical" else ir.IssueSeverity.ERROR,
                translation_key="finding_fixable" if fixable else "finding_acceptable",
                translation_placeholders={
                    # The title is shown as plain text; the rest goes into the markdown description.
                    "title": plain_text(g.get("title", "")),
                    "why": markdown_text(first.get("why", ""), 600),
                    "remedy": markdown_text((g.get("fix") or {}).get("message", ""), 600),
                    "rule": markdown_text(first.get("rule", "")),
                    "clauses": markdown_text(", ".join(first.get("clauses") or [])),
                },
            )

    # ---- events --------------------------------------------------------------------------------
    @callback
    def async_start_listening(self) -> None:
        """Re-audit on registry changes and relevant state changes (debounced)."""
        entry = self.config_entry
        for event_type in (
            dr.EVENT_DEVICE_REGISTRY_UPDATED,
            er.EVENT_ENTITY_REGISTRY_UPDATED,
            ar.EVENT_AREA_REGISTRY_UPDATED,
        ):
            entry.async_on_unload(self.hass.bus.async_listen(event_type, self._async_registry_event))
        entry.async_on_unload(
            self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._async_state_event, event_filter=self._state_matters)
        )
        entry.async_on_unload(self._async_cancel_new_device_timer)

    @callback
    def _async_cancel_new_device_timer(self) -> None:
        if self._new_device_timer is not None:
            self._new_device_timer()
            self._new_device_timer = None

    @callback
    def _async_registry_event(self, event: Event) -> None:
        data = event.data
        if event.event_type == dr.EVENT_DEVICE_REGISTRY_UPDATED and data.get("action") == "create":
            device_id = data.get("device_id")
            device = dr.async_get(self.hass).async_get(device_id) if device_id else None
            if device is not None and DOMAIN not in {i[0] for i in device.identifiers}:
                self._new_devices.add(device_id)
                # One timer, started again by each new device: every device gets its full delay for
                # its entities to arrive, and a bridge pairing hundreds adds no callback per device.
                if self._new_device_timer is not None:
                    self._new_device_timer()
                self._new_device_timer = async_call_later(self.hass, NEW_DEVICE_DELAY, self._async_new_device_due)
        if event.event_type == er.EVENT_ENTITY_REGISTRY_UPDATED and self._is_ours(data.get("entity_id")):
            return
        self.hass.async_create_task(self.async_request_refresh(), eager_start=True)

    @callback
    def _state_matters(self, event_data: Any) -> bool:
        entity_id: str = event_data["entity_id"]
        if entity_id.split(".", 1)[0] not in STATE_DOMAINS and not entity_id.endswith("_battery"):
            return False
        old, new = event_data.get("old_state"), event_data.get("new_state")
        if old is not None and new is not None and old.state == new.state:
            return False
        return not self._is_ours(entity_id)

    @callback
    def _async_state_event(self, event: Event) -> None:
        self.hass.async_create_task(self.async_request_refresh(), eager_start=True)

    def _is_ours(self, entity_id: str | None) -> bool:
        if not entity_id:
            return False
        entry = er.async_get(self.hass).async_get(entity_id)
        return entry is not None and entry.platform == DOMAIN

    async def _async_new_device_due(self, _now: Any) -> None:
        self._new_device_timer = None
        devices, self._new_devices = self._new_devices, set()
        if not devices:
            return
        await self.async_refresh()
        for device_id in sorted(devices):
            await self._async_new_device(device_id)

    async def _async_new_device(self, device_id: str) -> None:
        """Privacy by default (7.3.2) for a newly paired device, then tell the household."""
        reply = await self.async_handle({"type": "domoguard/device", "device_id": device_id})
        if not reply.get("success"):
            return  # not a device the core audits (removed again, or a service)
        changes: list[str] = []
        settings = self.data.settings if self.data else None
        if settings and (settings.get("privacy_default") or {}).get("on"):
            applied = await self.async_handle(
                {"type": "domoguard/apply", "selector": ["--privacy-default", "on", "--device", device_id]}
            )
            result = applied.get("result") or {}
            if applied.get("success") and result.get("ok"):
                # Only what was really changed, in the plan's own words (a value already private is not listed).
                words = {
                    (a.get("kind"), a.get("target"), a.get("param")): a.get("message", "")
                    for a in (result.get("plan") or {}).get("actions") or []
                }
                changes = [
                    str(words.get((s.get("kind"), s.get("target"), s.get("param"))) or s.get("kind", ""))
                    for s in result.get("steps") or []
                    if s.get("outcome") == "changed"
                ]
                LOGGER.info("Privacy by default: %d change(s) for new device %s", len(changes), device_id)
                await self.async_refresh()
                reply = await self.async_handle({"type": "domoguard/device", "device_id": device_id})
            else:
                LOGGER.warning(
                    "Privacy by default for new device %s failed: %s",
                    device_id,
                    result.get("error") or (applied.get("error") or {}).get("message"),
                )
        if not self.config_entry.options.get(CONF_NOTIFY_NEW, True):
            return
        device = (reply.get("result") or {}).get("device") or {}
        findings = (reply.get("result") or {}).get("findings") or []
        link = f"/{PANEL_URL_PATH}"
        message = self.messages.text(
            "notify.new_device.message_one" if len(findings) == 1 else "notify.new_device.message",
            name=markdown_text(device.get("name") or device_id),
            count=str(len(findings)),
            link=link,
        )
        if changes:
            listed = "".join(f"\n- {markdown_text(c)}" for c in changes)
            key = "notify.new_device.private_one" if len(changes) == 1 else "notify.new_device.private"
            message += "\n\n" + self.messages.text(key, changes=str(len(changes)), list=listed, link=link)
        persistent_notification.async_create(
            self.hass,
            message,
            title=self.messages.text("notify.new_device.title"),
            notification_id=f"{DOMAIN}_new_device_{device_id}",
        )
