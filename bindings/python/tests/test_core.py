"""Tests of the native bridge domoguard._core, run inside the Home Assistant root against the installed wheel.

They use the demo home's WebSocket replies (manifests/demo/<command with / as __>.json) and a Python hub
port backed by a dict, which is a unit test of the binding: the real Home Assistant port is the
integration's (bindings/homeassistant), tested there against a real HA.
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import pathlib
import pickle
import re
import sys
import threading
import time

import pytest

import domoguard
from domoguard import Core, DomoGuardError, HubPort, __version__

REPO = pathlib.Path(__file__).resolve().parents[3]
DEMO = REPO / "manifests" / "demo"


def command_of(path: pathlib.Path) -> str:
    return path.stem.replace("__", "/")


def demo_replies() -> dict[str, str]:
    files = sorted(DEMO.glob("*.json"))
    assert files, f"no demo replies in {DEMO}"
    return {command_of(f): f.read_text(encoding="utf-8") for f in files}


class DictPort:
    """A hub that holds values in a dict: reads answer from it (the plan's `before` until written)."""

    def __init__(self, fail_on_write: int | None = None, message: str = "hub said no") -> None:
        self.values: dict[tuple[str, str, str], str] = {}
        self.writes: list[tuple[str, str, str, str]] = []
        self.reads = 0
        self.fail_on_write = fail_on_write
        self.message = message
        self.threads: set[int] = set()

    @staticmethod
    def key(action: dict) -> tuple[str, str, str]:
        return (action["kind"], action["target"], action["param"])

    def read(self, action: dict) -> str:
        assert set(action) == {"kind", "target", "param", "before", "after"}
        self.reads += 1
        self.threads.add(threading.get_ident())
        return self.values.get(self.key(action), action["before"])

    def write(self, action: dict, value: str) -> None:
        self.threads.add(threading.get_ident())
        if self.fail_on_write is not None and len(self.writes) == self.fail_on_write:
            self.fail_on_write = None  # fail once; the rollback's writes go through
            raise RuntimeError(self.message)
        self.writes.append((action["kind"], action["target"], action["param"], value))
        self.values[self.key(action)] = value


def ok(reply: dict) -> object:
    assert reply.get("success") is True, reply
    return reply["result"]


# --- the package as built --------------------------------------------------------------------------


def test_package_exports_version_and_stubs():
    assert domoguard.__all__ == ["ACTION_KINDS", "Core", "DomoGuardError", "HubPort", "PlanAction", "__version__"]
    # One typed set of action kinds, from the core (model::ActionKind); "switch" is the on/off one.
    assert "switch" in domoguard.ACTION_KINDS and "set_exposure" in domoguard.ACTION_KINDS
    assert "revoke_token" in domoguard.ACTION_KINDS and "set_app_protection" in domoguard.ACTION_KINDS
    assert len(set(domoguard.ACTION_KINDS)) == len(domoguard.ACTION_KINDS) == 10
    assert __version__ == importlib.metadata.version("domoguard")
    top = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    assert re.search(r"project\(domoguard VERSION (\S+)", top).group(1) == __version__
    pkg = pathlib.Path(domoguard.__file__).parent
    stub = (pkg / "_core.pyi").read_text(encoding="utf-8")
    for text in ("class Core:", "def load_replies(self, replies: dict[str, str], origin: str)",
                 "def handle_text(self, request: str) -> str", "def audit_commands() -> list[str]",
                 "def score(self) -> int", "def has_home(self) -> bool"):
        assert text in stub
    assert (pkg / "py.typed").is_file()
    so = [p.name for p in pkg.iterdir() if p.name.startswith("_core.") and p.suffix == ".so"]
    assert so == ["_core.abi3.so"], so  # the stable ABI: one wheel for 3.12+


def test_audit_commands_match_the_demo_replies():
    commands = Core.audit_commands()
    assert commands[0] == "get_config"
    assert len(commands) == len(set(commands))
    demo = {command_of(f) for f in DEMO.glob("*.json")}
    assert demo <= set(commands)
    # The demo home was captured from replies of a hub that does not answer http/config (HA before
    # 2026.8, or a user who is not an administrator): DomoGuard reads it when it is there. The demo
    # home has no scripts and no Thread network either: their replies are read when a hub gives them.
    assert set(commands) - demo == {"http/config", "script/config", "thread/get_dataset_tlv"}


def test_dict_port_satisfies_the_protocol():
    assert isinstance(DictPort(), HubPort)


# --- API round trip ---------------------------------------------------------------------------------


def test_round_trip_on_the_demo_home(tmp_path):
    core = Core(db_path=str(tmp_path / "dg.db"))
    assert not core.has_home
    status = ok(core.handle({"type": "domoguard/status"}))
    assert status["ready"] is False and status["version"] == __version__

    delta = core.load_replies(demo_replies(), "demo-replies")
    assert set(delta) == {"audit_id", "score", "new", "resolved"}
    assert delta["audit_id"] >= 1 and delta["resolved"] == []
    assert 0 <= delta["score"] <= 100 and core.score == delta["score"] and core.has_home
    assert all(re.fullmatch(r"DG-[A-Z]+-\d{3}\|[a-z_]+:.+", k) for k in delta["new"]), delta["new"][:5]

    # The same audit through the API, as dict and as JSON text with an id.
    audit = ok(core.handle({"type": "domoguard/audit"}))
    assert audit["score"] == delta["score"]
    keys = {f"{f['rule']}|{f['subject']['kind']}:{f['subject']['id']}" for f in audit["findings"]}
    assert keys == set(delta["new"])
    reply = core.handle(json.dumps({"id": 7, "type": "domoguard/status"}))
    assert reply["id"] == 7 and ok(reply)["score"] == delta["score"] and ok(reply)["source"] == "demo-replies"
    device = audit["devices"][0]["id"]
    assert ok(core.handle({"type": "domoguard/device", "device_id": device}))["device"]["id"] == device
    rules = ok(core.handle({"type": "domoguard/catalog"}))
    assert len(rules["rules"]) > 20

    # Loading the same replies again: nothing new, nothing resolved, one more audit in the history.
    again = core.load_replies(demo_replies(), "demo-replies")
    assert again["new"] == [] and again["resolved"] == [] and again["audit_id"] == delta["audit_id"] + 1
    assert [a["id"] for a in ok(core.handle({"type": "domoguard/history"}))][:2] == [again["audit_id"], delta["audit_id"]]

    # A device removed: its findings are reported resolved.
    replies = demo_replies()
    devices = json.loads(replies["config/device_registry/list"])
    by_device = {}
    for k in delta["new"]:
        subject = k.split("|", 1)[1]
        if subject.startswith("device:"):
            by_device.setdefault(subject[len("device:"):], []).append(k)
    gone = next(d for d in devices if d["id"] in by_device)
    replies["config/device_registry/list"] = json.dumps([d for d in devices if d["id"] != gone["id"]])
    less = core.load_replies(replies, "demo-replies")
    assert set(by_device[gone["id"]]) <= set(less["resolved"])


def test_language_of_texts():
    core = Core(lang="de")
    core.load_replies(demo_replies(), "demo")
    de = ok(core.handle({"type": "domoguard/explain", "rule": "DG-VOI-001"}))["text"]
    en = ok(core.handle({"type": "domoguard/explain", "rule": "DG-VOI-001", "lang": "en"}))["text"]
    assert de and en and de != en


# --- errors -----------------------------------------------------------------------------------------


def test_malformed_reply_raises_with_key():
    core = Core()
    replies = demo_replies()
    replies["config/device_registry/list"] = '[{"id": "x", '
    with pytest.raises(DomoGuardError) as err:
        core.load_replies(replies, "broken-replies")
    assert err.value.key == "error.json.malformed" and err.value.code == "bad_input"
    assert "broken-replies" in str(err.value) or "device_registry" in str(err.value)
    assert not core.has_home  # nothing half-loaded
    clone = pickle.loads(pickle.dumps(err.value))
    assert (clone.key, clone.code, str(clone)) == (err.value.key, err.value.code, str(err.value))


def test_inputs_are_checked_and_bounded(tmp_path):
    core = Core()
    with pytest.raises(DomoGuardError) as err:
        core.load_replies({"get_states": 42}, "x")
    assert err.value.key == "error.python.not_text"
    with pytest.raises(DomoGuardError) as err:
        core.load_replies({"get_states": " " * (domoguard._core.MAX_REPLY_BYTES + 1)}, "x")
    assert err.value.key == "error.python.too_large" and err.value.code == "bad_input"
    with pytest.raises(DomoGuardError) as err:
        core.load_replies({f"c{i}": "[]" for i in range(65)}, "x")
    assert err.value.key == "error.python.too_many_replies"
    with pytest.raises(TypeError):
        Core(port=object())
    # A database that cannot be opened.
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(DomoGuardError) as err:
        Core(db_path=str(tmp_path / "file" / "dg.db"))
    assert err.value.key.startswith("error.") and err.value.code in ("io", "internal")
    # API errors are replies, not exceptions.
    reply = core.handle({"type": "domoguard/audit"})
    assert reply["success"] is False and reply["error"]["key"] == "error.api.not_ready"
    core.load_replies(demo_replies(), "demo")
    reply = core.handle({"type": "domoguard/nope"})
    assert reply["success"] is False and reply["error"]["key"] == "error.api.unknown_command"
    reply = core.handle("x" * (domoguard._core.MAX_REQUEST_BYTES + 1))
    assert reply["error"]["key"] == "error.api.too_large"
    reply = core.handle("{not json")
    assert reply["error"]["key"] == "error.api.not_json"
    core.close()
    with pytest.raises(DomoGuardError) as err:
        core.handle({"type": "domoguard/status"})
    assert err.value.key == "error.python.closed"


# --- plans through a Python port ----------------------------------------------------------------------


RECOMMENDED = ["--level", "recommended"]


def test_python_port_applies_and_undoes_a_plan():
    port = DictPort()
    core = Core(port=port, live=False)
    core.load_replies(demo_replies(), "demo")
    plan = ok(core.handle({"type": "domoguard/plan", "selector": RECOMMENDED}))
    actions = plan["actions"]
    assert len(actions) >= 3, plan
    assert port.writes == []  # a preview touches nothing

    result = ok(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED, "user": "Alex"}))
    assert result["ok"] is True and result["rolled_back"] is False and result["failed_step"] == -1
    changed = [s for s in result["steps"] if s["outcome"] == "changed"]
    assert len(changed) == len(actions)
    # Every action written once, in the plan's order, with its `after` value; and verified by reading back.
    assert port.writes == [(a["kind"], a["target"], a.get("param", ""), a["after"]) for a in actions]
    assert port.reads >= 2 * len(actions)
    assert port.threads == {threading.get_ident()}  # called back on the caller's thread

    journal = ok(core.handle({"type": "domoguard/journal"}))
    assert journal[0]["journal_id"] == result["journal_id"] and journal[0]["state"] == "applied"

    # Undo writes the before values back, in reverse order.
    port.writes.clear()
    undone = ok(core.handle({"type": "domoguard/undo", "journal_id": result["journal_id"]}))
    assert undone["ok"] is True
    assert port.writes == [(a["kind"], a["target"], a.get("param", ""), a["before"]) for a in reversed(actions)]
    assert all(port.values[DictPort.key({**a, "param": a.get("param", "")})] == a["before"] for a in actions)


def test_python_port_raising_rolls_back():
    port = DictPort(fail_on_write=2, message="hub said no to step three")
    core = Core(port=port)
    core.load_replies(demo_replies(), "demo")
    actions = ok(core.handle({"type": "domoguard/plan", "selector": RECOMMENDED}))["actions"]
    assert len(actions) >= 3

    result = ok(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED}))
    assert result["ok"] is False and result["rolled_back"] is True and result["failed_step"] == 2
    assert "RuntimeError: hub said no to step three" in result["error"]
    outcomes = [s["outcome"] for s in result["steps"]]
    assert outcomes[:3] == ["reverted", "reverted", "failed"] and set(outcomes[3:]) <= {"skipped"}
    assert "hub said no to step three" in result["steps"][2]["error"]
    # Two writes done, then reverted in reverse order: the hub holds what it held before.
    first, second = actions[0], actions[1]
    assert port.writes == [
        (first["kind"], first["target"], first.get("param", ""), first["after"]),
        (second["kind"], second["target"], second.get("param", ""), second["after"]),
        (second["kind"], second["target"], second.get("param", ""), second["before"]),
        (first["kind"], first["target"], first.get("param", ""), first["before"]),
    ]
    journal = ok(core.handle({"type": "domoguard/journal"}))
    assert journal[0]["state"] == "rolled_back"


class KeyedError(Exception):
    """An error a port raises naming the core's message for it, as the HA integration's PortError does."""

    def __init__(self, message: str, key: object, placeholders: object) -> None:
        super().__init__(message)
        self.domoguard_key = key
        self.domoguard_placeholders = placeholders


def test_python_port_error_with_a_key_is_said_in_the_households_language():
    class GonePort(DictPort):
        def __init__(self, key: object, placeholders: object) -> None:
            super().__init__()
            self.error = KeyedError("Home Assistant has no entity switch.gone", key, placeholders)

        def write(self, action: dict, value: str) -> None:
            if len(self.writes) == 1:
                raise self.error
            super().write(action, value)

    core = Core(port=GonePort("error.port.no_entity", {"target": "switch.gone"}))
    core.load_replies(demo_replies(), "demo")
    result = ok(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED, "lang": "de"}))
    assert result["ok"] is False and result["failed_step"] == 1
    assert result["error"].startswith("Schritt 2 (")
    assert "switch.gone gibt es auf dem Hub nicht" in result["error"]
    assert result["steps"][1]["error"] == "switch.gone gibt es auf dem Hub nicht (seit dem Plan entfernt oder umbenannt)."
    # A key outside the port's messages, or placeholders that are not text, are not taken: English stays.
    for key, placeholders in (("error.api.internal", {}), ("error.port.no_entity", {"target": 5}), (7, {})):
        core = Core(port=GonePort(key, placeholders))
        core.load_replies(demo_replies(), "demo")
        result = ok(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED, "lang": "de"}))
        assert "KeyedError: Home Assistant has no entity switch.gone" in result["steps"][1]["error"]


def test_python_port_returning_a_non_string_fails_the_step():
    class BadRead(DictPort):
        def read(self, action):
            super().read(action)
            return 1

    core = Core(port=BadRead())
    core.load_replies(demo_replies(), "demo")
    result = ok(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED}))
    assert result["ok"] is False and "not str" in result["error"]


def test_apply_without_port_is_refused():
    core = Core()
    core.load_replies(demo_replies(), "demo")
    reply = core.handle({"type": "domoguard/apply", "selector": RECOMMENDED})
    assert reply["success"] is False and reply["error"]["key"] == "error.api.no_port"


# --- the GIL -------------------------------------------------------------------------------------------


def big_replies(copies: int) -> dict[str, str]:
    """The demo home repeated `copies` times under fresh ids (about 67 devices and 170 entities each)."""
    base = {k: json.loads(v) for k, v in demo_replies().items()}
    devices, entities, states, exposed = [], [], [], {}
    for i in range(copies):
        sfx = f"_{i}"
        for d in base["config/device_registry/list"]:
            d = copy.deepcopy(d)
            d["id"] += sfx
            d["name"] = f"{d['name']} {i}"
            d["identifiers"] = [[*x[:-1], f"{x[-1]}{sfx}"] for x in d.get("identifiers", []) if x]
            devices.append(d)
        for e in base["config/entity_registry/list"]:
            e = dict(e)
            e["entity_id"] += sfx
            e["id"] = e.get("id", "") + sfx
            if e.get("device_id"):
                e["device_id"] += sfx
            if e.get("unique_id"):
                e["unique_id"] += sfx
            entities.append(e)
        for s in base["get_states"]:
            s = dict(s)
            s["entity_id"] += sfx
            states.append(s)
        for eid, v in base["homeassistant/expose_entity/list"]["exposed_entities"].items():
            exposed[eid + sfx] = v
    out = {k: json.dumps(v) for k, v in base.items()}
    out["config/device_registry/list"] = json.dumps(devices)
    out["config/entity_registry/list"] = json.dumps(entities)
    out["get_states"] = json.dumps(states)
    out["homeassistant/expose_entity/list"] = json.dumps({"exposed_entities": exposed})
    return out


def progress_during(call) -> tuple[int, object]:
    """How many steps a second Python thread makes while `call` runs in this thread.

    With a huge switch interval this thread is never pre-empted, so the other thread can run only
    while `call` has released the GIL; it yields the GIL itself after every step (sleep(0))."""
    steps = 0
    stop = threading.Event()
    started = threading.Event()

    def spin():
        nonlocal steps
        started.set()
        while not stop.is_set():
            steps += 1
            _ = sum(range(50))  # pure-Python work
            time.sleep(0.0001)  # yields the GIL (a real sleep releases it)

    old = sys.getswitchinterval()
    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    sys.setswitchinterval(30.0)  # longer than any call here; bounded so a bug cannot hang the run
    try:
        before = steps
        result = call()
        during = steps - before
    finally:
        sys.setswitchinterval(old)
        stop.set()
        t.join()
    return during, result


def test_gil_is_released_during_core_work():
    replies = big_replies(30)  # ~2,000 devices, ~5,000 entities
    assert sum(map(len, replies.values())) > 5_000_000
    core = Core()
    during, delta = progress_during(lambda: core.load_replies(replies, "big"))
    assert len(delta["new"]) > 1000
    assert during > 0, "a second Python thread made no progress while load_replies ran: the GIL was held"
    print(f"\nload_replies of {sum(map(len, replies.values())) / 1e6:.1f} MB: the other thread made {during} steps")

    during, reply = progress_during(lambda: core.handle({"type": "domoguard/audit"}))
    assert reply["success"] is True and during > 0
    print(f"domoguard/audit: the other thread made {during} steps")

    # Control: pure-Python work in this thread lets the other thread make no progress at all.
    during, _ = progress_during(lambda: sum(range(3_000_000)))
    assert during == 0


def test_apply_from_a_worker_thread_while_another_thread_waits_on_the_port():
    """The integration's pattern: handle(apply) in an executor thread; its port hands each step to
    another thread (standing in for HA's event loop) and waits for it there."""
    import queue

    jobs: queue.Queue = queue.Queue()
    done_on: set[int] = set()
    values: dict = {}

    def loop():  # stands in for the event loop thread
        while (job := jobs.get()) is not None:
            fn, box, ev = job
            try:
                box.append(fn())
            except BaseException as e:  # noqa: BLE001 - handed back to the caller
                box.append(e)
            done_on.add(threading.get_ident())
            ev.set()

    def on_loop(fn):
        box, ev = [], threading.Event()
        jobs.put((fn, box, ev))
        assert ev.wait(30)
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    class LoopPort:
        def read(self, action):
            return on_loop(lambda: values.get((action["kind"], action["target"], action["param"]), action["before"]))

        def write(self, action, value):
            on_loop(lambda: values.__setitem__((action["kind"], action["target"], action["param"]), value))

    loop_thread = threading.Thread(target=loop)
    loop_thread.start()
    try:
        core = Core(port=LoopPort())
        core.load_replies(demo_replies(), "demo")
        box = []
        worker = threading.Thread(target=lambda: box.append(core.handle({"type": "domoguard/apply", "selector": RECOMMENDED})))
        worker.start()
        worker.join(60)
        assert not worker.is_alive()
        assert ok(box[0])["ok"] is True
        assert done_on == {loop_thread.ident} and values
    finally:
        jobs.put(None)
        loop_thread.join()
