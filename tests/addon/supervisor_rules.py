"""The Home Assistant Supervisor's rules for an app ("add-on") repository, restated in plain Python.

Read from the Supervisor's source, home-assistant/supervisor at commit
090ef31ec024952c2469ed5a7c9f3ce8c1a5499e (2026-08-21, "Refactor v2 API contracts ..."):

- supervisor/apps/validate.py   `_SCHEMA_APP_CONFIG` (config.yaml), `_migrate_app_config` (map
                                forms), `_warn_app_config` (dynamic ingress port), `SCHEMA_BUILD_CONFIG`
                                (build.yaml), `SCHEMA_APP_TRANSLATIONS` (translations/*.yaml)
- supervisor/apps/options.py    `RE_SCHEMA_ELEMENT` (the option-type grammar) and `AppOptions`
                                (options checked against the schema; missing ones must end in "?")
- supervisor/apps/const.py      `RE_SLUG`, `MappingType`
- supervisor/const.py           `ARCH_ALL` / `ARCH_DEPRECATED`, `AppStartup`, `AppBootConfig`,
                                `AppStage`, `ROLE_ALL`, `INGRESS_DYNAMIC_PORT_MIN/MAX`, `FILE_SUFFIX_CONFIGURATION`
- supervisor/validate.py        `network_port` (1-65535), `docker_ports` (`^\\d+(?:/tcp|/udp)?$`)
- supervisor/store/validate.py  `SCHEMA_REPOSITORY_CONFIG` (repository.yaml)
- supervisor/store/data.py      how a repository is read: `**/repository.*`, every `**/config.*` outside
                                dot-folders and `rootfs` is an app, translations are `translations/<lang>.<yaml|yml|json>`
- supervisor/utils/apparmor.py  `get_profile_name`: exactly one `^profile NAME` line in apparmor.txt
- supervisor/apps/build.py      build.yaml is deprecated (a warning at every load); Dockerfile[.arch]

Each check returns a list of messages (empty = valid). This is a restatement, not the Supervisor's
code: where the Supervisor coerces (voluptuous `Boolean`, `Coerce`), the checks here are stricter and
ask for the YAML type itself, which is what a well-formed file has anyway.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ARCH_ALL = ["aarch64", "amd64"]
ARCH_DEPRECATED = ["armhf", "armv7", "i386"]
STARTUP = {"initialize", "system", "services", "application", "once", "before", "after"}
BOOT = {"auto", "manual", "manual_only"}
STAGE = {"stable", "experimental", "deprecated"}
ROLES = {"default", "homeassistant", "backup", "manager", "admin"}
BACKUP = {"hot", "cold"}
MAP_TYPES = {"data", "config", "ssl", "local_apps", "backup", "share", "media", "homeassistant_config",
             "all_app_configs", "app_config", "addons", "all_addon_configs", "addon_config"}
RE_VOLUME = re.compile(r"^(data|config|ssl|local_apps|addons|backup|share|media|homeassistant_config|"
                       r"all_app_configs|all_addon_configs|app_config|addon_config)(?::(rw|ro))?$")
RE_SLUG = re.compile(r"^[-_.A-Za-z0-9]+$")
RE_DOCKER_PORT = re.compile(r"^\d+(?:/tcp|/udp)?$")
RE_SERVICE = re.compile(r"^(?P<service>mqtt|mysql):(?P<rights>provide|want|need)$")
RE_WATCHDOG = re.compile(r"^(?:https?|\[PROTO:\w+\]|tcp):\/\/\[HOST\]:(\[PORT:\d+\]|\d+).*$")
RE_WEBUI = re.compile(r"^(?:https?|\[PROTO:\w+\]):\/\/\[HOST\]:\[PORT:\d+\].*$")
RE_PROFILE = re.compile(r"^profile ([^ ]+).*$")
RE_SCHEMA_ELEMENT = re.compile(
    r"^(?:"
    r"|bool"
    r"|email"
    r"|url"
    r"|port"
    r"|device(?:\((?P<filter>subsystem=[a-z]+)\))?"
    r"|str(?:\((?P<s_min>\d+)?,(?P<s_max>\d+)?\))?"
    r"|password(?:\((?P<p_min>\d+)?,(?P<p_max>\d+)?\))?"
    r"|int(?:\((?P<i_min>-?\d+)?,(?P<i_max>-?\d+)?\))?"
    r"|float(?:\((?P<f_min>-?\d*\.?\d+)?,(?P<f_max>-?\d*\.?\d+)?\))?"
    r"|match\((?P<match>.*)\)"
    r"|list\((?P<list>.+)\)"
    r")\??$"
)
INGRESS_DYNAMIC_PORT_MIN, INGRESS_DYNAMIC_PORT_MAX = 62000, 65500
# A version the store can compare: AwesomeVersion takes almost any text, so ask for what our
# releases use (semantic versions), given as a string (a YAML float such as 0.1 would lose digits).
RE_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:[-.]?(?:a|b|rc|dev)\d*)?$")
RE_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
CONFIG_SUFFIXES = (".yaml", ".yml", ".json")

REQUIRED = {"name": str, "version": str, "slug": str, "description": str, "arch": list}
BOOL_KEYS = {"init", "advanced", "ingress", "ingress_stream", "panel_admin", "host_network", "host_pid",
             "host_ipc", "host_uts", "host_dbus", "udev", "tmpfs", "apparmor", "full_access", "audio",
             "video", "gpio", "usb", "uart", "devicetree", "kernel_modules", "realtime", "hassio_api",
             "homeassistant_api", "stdin", "legacy", "docker_api", "auth_api", "journald"}
STR_KEYS = {"ingress_entry", "panel_icon", "panel_title", "backup_pre", "backup_post", "image"}
KNOWN = (set(REQUIRED) | BOOL_KEYS | STR_KEYS | {
    "machine", "url", "startup", "boot", "stage", "ports", "ports_description", "watchdog", "webui",
    "ingress_port", "homeassistant", "devices", "map", "environment", "privileged", "hassio_role",
    "services", "discovery", "backup_exclude", "backup", "options", "schema", "ulimits", "timeout",
    "breaking_versions", "codenotary", "auto_uart", "snapshot", "snapshot_exclude", "snapshot_pre",
    "snapshot_post"})


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_port(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65535


def check_config(cfg: Any) -> list[str]:
    """config.yaml: required keys and their types, and every optional key the Supervisor knows."""
    if not isinstance(cfg, dict):
        return ["config is not a mapping"]
    errs: list[str] = []
    for key, typ in REQUIRED.items():
        if key not in cfg:
            errs.append(f"required key '{key}' missing")
        elif not isinstance(cfg[key], typ) or (typ is str and not cfg[key]):
            errs.append(f"'{key}' must be a non-empty {typ.__name__}")
    if isinstance(cfg.get("slug"), str) and not RE_SLUG.match(cfg["slug"]):
        errs.append(f"slug '{cfg['slug']}' does not match {RE_SLUG.pattern}")
    if isinstance(cfg.get("version"), str) and not RE_VERSION.match(cfg["version"]):
        errs.append(f"version '{cfg['version']}' is not a release version")
    if isinstance(cfg.get("arch"), list):
        if not cfg["arch"]:
            errs.append("arch is empty")
        for a in cfg["arch"]:
            if a not in ARCH_ALL:
                errs.append(f"arch '{a}' " + ("is deprecated" if a in ARCH_DEPRECATED else "is unknown"))
    for key in sorted(set(cfg) - KNOWN):
        errs.append(f"unknown key '{key}' (the Supervisor drops it)")
    for key in BOOL_KEYS & set(cfg):
        if not _is_bool(cfg[key]):
            errs.append(f"'{key}' must be true or false")
    for key in STR_KEYS & set(cfg):
        if not isinstance(cfg[key], str):
            errs.append(f"'{key}' must be a string")
    if "url" in cfg and not (isinstance(cfg["url"], str) and RE_URL.match(cfg["url"])):
        errs.append("url is not a URL")
    for key, allowed in (("startup", STARTUP), ("boot", BOOT), ("stage", STAGE), ("hassio_role", ROLES),
                         ("backup", BACKUP)):
        if key in cfg and cfg[key] not in allowed:
            errs.append(f"{key} '{cfg[key]}' is not one of {sorted(allowed)}")
    if "ingress_port" in cfg and not (_is_port(cfg["ingress_port"]) or cfg["ingress_port"] == 0):
        errs.append("ingress_port must be a port (1-65535) or 0")
    if "panel_icon" in cfg and isinstance(cfg["panel_icon"], str) and not re.match(r"^mdi:[a-z0-9-]+$", cfg["panel_icon"]):
        errs.append("panel_icon must be an mdi:icon-name")
    if "homeassistant" in cfg and not (isinstance(cfg["homeassistant"], str) and re.match(r"^\d{4}\.\d+\.\d+", cfg["homeassistant"])):
        errs.append("homeassistant must be a Core version such as 2025.1.0")
    for key in ("watchdog", "webui"):
        rx = RE_WATCHDOG if key == "watchdog" else RE_WEBUI
        if key in cfg and not (isinstance(cfg[key], str) and rx.match(cfg[key])):
            errs.append(f"{key} does not match {rx.pattern}")
    for key in ("ports", "ports_description"):
        if key in cfg:
            if not isinstance(cfg[key], dict):
                errs.append(f"{key} must be a mapping")
                continue
            for k, v in cfg[key].items():
                if not (isinstance(k, str) and RE_DOCKER_PORT.match(k)):
                    errs.append(f"{key}: '{k}' is not PORT or PORT/tcp or PORT/udp")
                if key == "ports" and not (v is None or _is_port(v)):
                    errs.append(f"ports: '{k}' maps to {v!r}, not a host port or null")
                if key == "ports_description" and not isinstance(v, str):
                    errs.append(f"ports_description: '{k}' needs a text")
    if "map" in cfg:
        if not isinstance(cfg["map"], list):
            errs.append("map must be a list")
        else:
            for entry in cfg["map"]:
                if isinstance(entry, str):
                    if not RE_VOLUME.match(entry):
                        errs.append(f"map entry '{entry}' is not TYPE or TYPE:rw / TYPE:ro (the Supervisor skips it)")
                elif isinstance(entry, dict):
                    if entry.get("type") not in MAP_TYPES:
                        errs.append(f"map entry {entry} has no known type")
                    if "read_only" in entry and not _is_bool(entry["read_only"]):
                        errs.append(f"map entry {entry}: read_only must be true or false")
                    if "path" in entry and not isinstance(entry["path"], str):
                        errs.append(f"map entry {entry}: path must be a string")
                    for k in set(entry) - {"type", "read_only", "path"}:
                        errs.append(f"map entry {entry}: unknown key '{k}'")
                else:
                    errs.append(f"map entry {entry!r} is neither a string nor a mapping")
    if cfg.get("ingress") and cfg.get("ingress_port") == 0:
        for p in (cfg.get("ports") or {}):
            n = str(p).partition("/")[0]
            if n.isdigit() and INGRESS_DYNAMIC_PORT_MIN <= int(n) <= INGRESS_DYNAMIC_PORT_MAX:
                errs.append(f"port {n} is reserved for dynamic ingress ports")
    if "services" in cfg and not (isinstance(cfg["services"], list) and all(isinstance(s, str) and RE_SERVICE.match(s) for s in cfg["services"])):
        errs.append("services must be a list of mqtt|mysql:provide|want|need")
    if "timeout" in cfg and not (isinstance(cfg["timeout"], int) and 10 <= cfg["timeout"] <= 300):
        errs.append("timeout must be 10-300 seconds")
    if "options" in cfg and not isinstance(cfg["options"], dict):
        errs.append("options must be a mapping")
    if "schema" in cfg and cfg["schema"] is not False:
        errs += check_schema(cfg["schema"])
    if isinstance(cfg.get("options"), dict) and isinstance(cfg.get("schema"), dict):
        errs += check_options(cfg["schema"], cfg["options"])
    return errs


def check_schema(schema: Any, where: str = "schema") -> list[str]:
    """Every schema element matches RE_SCHEMA_ELEMENT, or is a list of one / a mapping of them."""
    if not isinstance(schema, dict):
        return [f"{where} must be a mapping (or false)"]
    errs = []
    for key, el in schema.items():
        if not isinstance(key, str):
            errs.append(f"{where}: key {key!r} is not a string")
        if isinstance(el, str):
            if not RE_SCHEMA_ELEMENT.match(el):
                errs.append(f"{where}.{key}: '{el}' is not an option type")
        elif isinstance(el, list):
            if len(el) != 1:
                errs.append(f"{where}.{key}: a list type holds exactly one element type")
            elif isinstance(el[0], list):
                errs.append(f"{where}.{key}: a list may not directly contain a list")
            elif isinstance(el[0], dict):
                errs += check_schema(el[0], f"{where}.{key}[]")
            elif not (isinstance(el[0], str) and RE_SCHEMA_ELEMENT.match(el[0])):
                errs.append(f"{where}.{key}[]: '{el[0]}' is not an option type")
        elif isinstance(el, dict):
            errs += check_schema(el, f"{where}.{key}")
        else:
            errs.append(f"{where}.{key}: {el!r} is not an option type")
    return errs


def _check_value(typ: str, value: Any, where: str) -> list[str]:
    m = RE_SCHEMA_ELEMENT.match(typ)
    if not m:
        return [f"{where}: unknown type '{typ}'"]
    base = typ.rstrip("?")
    if value is None:
        return [f"{where}: required option has no value"]

    def rng(lo: str, hi: str, v: float) -> list[str]:
        out = []
        if m.group(lo) is not None and v < float(m.group(lo)):
            out.append(f"{where}: {v} below {m.group(lo)}")
        if m.group(hi) is not None and v > float(m.group(hi)):
            out.append(f"{where}: {v} above {m.group(hi)}")
        return out

    if base.startswith(("str", "password")):
        if not isinstance(value, str):
            return [f"{where}: {value!r} is not a string"]
        pre = "s" if base.startswith("str") else "p"
        return rng(f"{pre}_min", f"{pre}_max", len(value))
    if base.startswith("int"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: {value!r} is not an integer"]
        return rng("i_min", "i_max", value)
    if base.startswith("float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return [f"{where}: {value!r} is not a number"]
        return rng("f_min", "f_max", float(value))
    if base == "bool":
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not true or false"]
    if base == "email":
        return [] if isinstance(value, str) and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value) else [f"{where}: not an e-mail address"]
    if base == "url":
        return [] if isinstance(value, str) and RE_URL.match(value) else [f"{where}: not a URL"]
    if base == "port":
        return [] if _is_port(value) else [f"{where}: {value!r} is not a port"]
    if base.startswith("match("):
        return [] if re.match(m.group("match"), str(value)) else [f"{where}: {value!r} does not match {m.group('match')}"]
    if base.startswith("list("):
        choices = m.group("list").split("|")
        return [] if str(value) in choices else [f"{where}: {value!r} is not one of {choices}"]
    if base.startswith("device"):
        return [] if isinstance(value, str) else [f"{where}: a device is a path"]
    return [f"{where}: type '{typ}' not handled"]


def check_options(schema: dict, options: Any, where: str = "options") -> list[str]:
    """AppOptions: each option is in the schema and has its type; a schema key missing from the
    options must be optional ("?" suffix, or ["type?"] for lists)."""
    if not isinstance(options, dict):
        return [f"{where} must be a mapping"]
    errs = []
    for key, value in options.items():
        if key not in schema:
            errs.append(f"{where}.{key}: not in the schema (the Supervisor drops it)")
            continue
        typ = schema[key]
        if isinstance(typ, list):
            if not isinstance(value, list):
                errs.append(f"{where}.{key}: must be a list")
                continue
            for i, item in enumerate(value):
                errs += (check_options(typ[0], item, f"{where}.{key}[{i}]") if isinstance(typ[0], dict)
                         else _check_value(typ[0], item, f"{where}.{key}[{i}]"))
        elif isinstance(typ, dict):
            errs += check_options(typ, value, f"{where}.{key}")
        else:
            errs += _check_value(typ, value, f"{where}.{key}")
    for key in set(schema) - set(options):
        typ = schema[key]
        if isinstance(typ, list) and typ:
            typ = typ[0]
        if not (isinstance(typ, str) and typ.endswith("?")):
            errs.append(f"{where}: required option '{key}' has no default")
    return errs


def check_translation(data: Any, schema: dict) -> list[str]:
    """SCHEMA_APP_TRANSLATIONS, plus: the configuration keys are exactly the schema's keys."""
    if not isinstance(data, dict):
        return ["translation is not a mapping"]
    errs = [f"unknown top-level key '{k}'" for k in set(data) - {"configuration", "network"}]
    conf = data.get("configuration", {})
    if not isinstance(conf, dict):
        return errs + ["configuration must be a mapping"]

    def entry(e: Any, where: str) -> list[str]:
        if not isinstance(e, dict):
            return [f"{where}: must be a mapping"]
        out = []
        if not isinstance(e.get("name"), str) or not e["name"].strip():
            out.append(f"{where}: 'name' is required")
        if "description" in e and e["description"] is not None and not isinstance(e["description"], str):
            out.append(f"{where}: 'description' must be text")
        out += [f"{where}: unknown key '{k}'" for k in set(e) - {"name", "description", "fields"}]
        for k, sub in (e.get("fields") or {}).items():
            out += entry(sub, f"{where}.fields.{k}")
        return out

    for key, e in conf.items():
        errs += entry(e, f"configuration.{key}")
    if set(conf) != set(schema):
        errs.append(f"configuration keys {sorted(conf)} differ from the schema's {sorted(schema)}")
    for k, v in (data.get("network") or {}).items():
        if not (RE_DOCKER_PORT.match(str(k)) and isinstance(v, str)):
            errs.append(f"network.{k}: needs PORT/tcp: text")
    return errs


def check_repository(data: Any) -> list[str]:
    """SCHEMA_REPOSITORY_CONFIG: name required; url a URL; maintainer text."""
    if not isinstance(data, dict):
        return ["repository file is not a mapping"]
    errs = []
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        errs.append("repository 'name' is required")
    if "url" in data and not (isinstance(data["url"], str) and RE_URL.match(data["url"])):
        errs.append("repository 'url' is not a URL")
    if "maintainer" in data and not isinstance(data["maintainer"], str):
        errs.append("repository 'maintainer' must be text")
    errs += [f"repository: unknown key '{k}'" for k in set(data) - {"name", "url", "maintainer"}]
    return errs


def apparmor_profile_names(text: str) -> list[str]:
    """get_profile_name: the names on lines starting with 'profile ' (sub-profiles are indented)."""
    return [m.group(1) for line in text.splitlines() if (m := RE_PROFILE.match(line))]


def check_apparmor(text: str, slug: str) -> list[str]:
    names = apparmor_profile_names(text)
    if len(set(names)) != 1:
        return [f"apparmor.txt must hold exactly one top-level profile, has {names}"]
    return [] if names[0] == slug else [f"apparmor profile '{names[0]}' is not the slug '{slug}'"]


def repository_files(root: Path) -> tuple[list[Path], list[Path]]:
    """What the Supervisor finds in a repository folder: repository.* files and app config files
    (store/data.py `_find_app_configs`: **/config.* outside dot-folders and rootfs)."""
    repos = [p for p in root.glob("**/repository.*") if p.suffix in CONFIG_SUFFIXES]
    apps = [p for p in root.glob("**/config.*")
            if p.suffix in CONFIG_SUFFIXES
            and not [part for part in p.relative_to(root).parts if part.startswith(".") or part == "rootfs"]]
    return repos, apps
