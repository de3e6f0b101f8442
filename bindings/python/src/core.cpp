// domoguard._core: the DomoGuard core (plugin/) as a Python extension, for the Home Assistant
// integration. It exposes the one command surface every front end uses (api::Service::handle,
// JSON in, JSON out), building a home from WebSocket-shaped replies, and a hub port through which
// a Python object applies plans.
//
// Threading: every call releases the GIL around the C++ work, so Home Assistant can run it in an
// executor thread while its event loop keeps going. The Python port is the one place C++ calls
// back into Python; it takes the GIL again for that call only.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/service.hpp"
#include "hub/ha/adapter.hpp"
#include "hub/ha/list_cache.hpp"
#include "model/action_kind.hpp"
#include "policy/port.hpp"
#include "util/text.hpp"

namespace nb = nanobind;
using namespace domoguard;

namespace {

// Bounds on what Python may hand over in one load_replies() call.
constexpr std::size_t max_reply_bytes = hub::ha::max_file_bytes;  // 64 MiB per reply
constexpr std::size_t max_replies = 64;                           // commands in one call
constexpr std::size_t max_command_chars = 128;                    // length of one command name
constexpr std::size_t max_origin_chars = 1024;

const char* code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_input: return "bad_input";
    case ErrorCode::unreachable: return "unreachable";
    case ErrorCode::io: return "io";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

// A core Error on its way to Python, where it becomes domoguard.DomoGuardError.
struct CoreError {
  std::string code, key, message;
};

[[noreturn]] void raise(const Error& e) { throw CoreError{code_name(e.code), e.key, e.describe()}; }
[[noreturn]] void raise(std::string code, std::string key, std::string message) {
  throw CoreError{std::move(code), std::move(key), std::move(message)};
}

void translate(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const CoreError& e) {
    // The exception class lives in Python (domoguard/_errors.py) so that it is typed and picklable.
    nb::object cls;
    try {
      cls = nb::module_::import_("domoguard._errors").attr("DomoGuardError");
    } catch (nb::python_error&) {
      PyErr_SetString(PyExc_RuntimeError, (e.key + ": " + e.message).c_str());
      return;
    }
    nb::object exc = cls(nb::str(e.message.c_str(), e.message.size()), nb::str(e.key.c_str(), e.key.size()),
                         nb::str(e.code.c_str(), e.code.size()));
    PyErr_SetObject(cls.ptr(), exc.ptr());
  }
}

// A Python reference that may be released from any thread: it takes the GIL to drop it. The port
// factory is copied and destroyed by C++ code that runs without the GIL.
struct PyRef {
  explicit PyRef(nb::object o) : obj(std::move(o)) {}
  ~PyRef() {
    if (!Py_IsInitialized()) {
      obj.release();  // the interpreter is gone: leak rather than touch it
      return;
    }
    nb::gil_scoped_acquire gil;
    obj.reset();
  }
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  nb::object obj;
};

// policy::HubPort over a Python object with read(action) -> str and write(action, value) -> None.
class PythonPort : public policy::HubPort {
 public:
  explicit PythonPort(std::shared_ptr<PyRef> port) : port_(std::move(port)) {}

  Result<std::string> read(const policy::PlanAction& action) override {
    nb::gil_scoped_acquire gil;
    try {
      nb::object r = port_->obj.attr("read")(to_dict(action));
      if (!nb::isinstance<nb::str>(r))
        return failure("read() of " + action.kind + " " + action.target + " returned " +
                       std::string(nb::str(r.type().attr("__name__")).c_str()) +
                       ", not str");
      Py_ssize_t n = 0;
      const char* s = PyUnicode_AsUTF8AndSize(r.ptr(), &n);
      if (!s) throw nb::python_error();
      return std::string(s, static_cast<std::size_t>(n));
    } catch (nb::python_error& e) {
      return failure(e);
    } catch (const std::exception& e) {
      return failure(e.what());
    }
  }

  Result<bool> write(const policy::PlanAction& action, const std::string& value) override {
    nb::gil_scoped_acquire gil;
    try {
      port_->obj.attr("write")(to_dict(action), nb::str(value.c_str(), value.size()));
      return true;
    } catch (nb::python_error& e) {
      return failure(e);
    } catch (const std::exception& e) {
      return failure(e.what());
    }
  }

 private:
  static nb::dict to_dict(const policy::PlanAction& a) {
    nb::dict d;
    d["kind"] = a.kind;
    d["target"] = a.target;
    d["param"] = a.param;
    d["before"] = a.before;
    d["after"] = a.after;
    return d;
  }
  static Error failure(const std::string& message) {
    return Error{ErrorCode::unreachable, "error.port.python", message, "", "", {{"reason", message}}};
  }
  // The exception's own text ("KeyError: 'x'" style), without a traceback; the error is consumed.
  static Error failure(nb::python_error& e) {
    std::string message;
    try {
      nb::str text = nb::str(e.value());
      nb::str name = nb::str(e.type().attr("__name__"));
      message = std::string(name.c_str());
      if (PyObject_Length(text.ptr()) > 0) message += ": " + std::string(text.c_str());
    } catch (...) {
      PyErr_Clear();
      message = "the Python port raised an exception";
    }
    Error err = failure(message);
    try {
      take_key(e.value(), err);
    } catch (...) {
      PyErr_Clear();
    }
    return err;
  }
  // A port may name the core's message for what went wrong (domoguard_key, domoguard_placeholders),
  // so that it is said in the household's language: read bounded, and ignored unless well-formed.
  static void take_key(nb::handle value, Error& err) {
    auto text = [](nb::handle h, std::size_t limit) -> std::optional<std::string> {
      if (!nb::isinstance<nb::str>(h)) return std::nullopt;
      Py_ssize_t n = 0;
      const char* s = PyUnicode_AsUTF8AndSize(h.ptr(), &n);
      if (!s) PyErr_Clear();
      if (!s || static_cast<std::size_t>(n) > limit) return std::nullopt;
      return std::string(s, static_cast<std::size_t>(n));
    };
    if (!nb::hasattr(value, "domoguard_key")) return;
    auto key = text(value.attr("domoguard_key"), 64);
    if (!key || (key->rfind("error.port.", 0) != 0 && key->rfind("error.ha.", 0) != 0)) return;
    std::vector<std::pair<std::string, std::string>> placeholders;
    nb::object ph = nb::hasattr(value, "domoguard_placeholders") ? value.attr("domoguard_placeholders") : nb::none();
    if (nb::isinstance<nb::dict>(ph)) {
      nb::dict d = nb::borrow<nb::dict>(ph);
      if (d.size() > 8) return;
      for (auto [name, value_text] : d) {
        auto n = text(name, 32), t = text(value_text, 1024);
        if (!n || !t) return;
        placeholders.emplace_back(std::move(*n), util::clean_text(*t, 256));
      }
    }
    err.key = std::move(*key);
    err.placeholders = std::move(placeholders);
  }

  std::shared_ptr<PyRef> port_;
};

std::string utf8(nb::handle h, const char* what, std::size_t limit) {
  if (!nb::isinstance<nb::str>(h)) raise("bad_input", "error.python.not_text", std::string(what) + " must be str");
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(h.ptr(), &n);
  if (!s) throw nb::python_error();
  if (static_cast<std::size_t>(n) > limit)
    raise("bad_input", "error.python.too_large",
          std::string(what) + " is " + std::to_string(n) + " bytes, more than the limit of " + std::to_string(limit));
  return std::string(s, static_cast<std::size_t>(n));
}

// The Python-facing core. The service is shared with calls in flight, so dropping the last Python
// reference while another thread is inside a call cannot free it under that call.
struct Core {
  std::shared_ptr<api::Service> service;
  // The registries as the last load_replies() read them: the next full load copies a registry whose
  // text is unchanged instead of parsing it again (one load at a time uses it).
  std::shared_ptr<hub::ha::ListCache> lists = hub::ha::make_list_cache();
  std::shared_ptr<std::mutex> lists_mutex = std::make_shared<std::mutex>();

  std::shared_ptr<api::Service> get() const {
    if (!service) raise("internal", "error.python.closed", "This Core is closed");
    return service;
  }
};

void init_core(Core* self, const std::string& db_path, const std::string& lang, nb::object port, bool live) {
  if (lang.size() > 16) raise("bad_input", "error.python.lang", "lang is not a language code");
  api::ServiceOptions opts;
  opts.db_path = db_path;
  opts.lang = lang;
  opts.live = live;
  if (!port.is_none()) {
    for (const char* m : {"read", "write"})
      if (!nb::hasattr(port, m) || !PyCallable_Check(port.attr(m).ptr()))
        throw nb::type_error("port must have callable read(action) and write(action, value) methods");
    auto ref = std::make_shared<PyRef>(std::move(port));
    opts.port = [ref](model::Home&) -> Result<std::unique_ptr<policy::HubPort>> {
      return std::unique_ptr<policy::HubPort>(new PythonPort(ref));
    };
  }
  Result<std::unique_ptr<api::Service>> created = Error{};
  {
    nb::gil_scoped_release nogil;
    created = api::Service::create(opts);
  }
  if (!created) raise(created.error());
  new (self) Core{std::shared_ptr<api::Service>(std::move(*created))};
}

nb::dict delta_dict(const api::AuditDelta& delta);

nb::dict load_replies(const Core& self, nb::dict replies, const std::string& origin) {
  auto service = self.get();
  if (origin.size() > max_origin_chars) raise("bad_input", "error.python.too_large", "origin is too long");
  if (replies.size() > max_replies)
    raise("bad_input", "error.python.too_many_replies",
          "replies has " + std::to_string(replies.size()) + " commands, more than " + std::to_string(max_replies));
  hub::ha::Replies input;
  for (auto [k, v] : replies) {
    std::string command = utf8(k, "a command name", max_command_chars);
    input.emplace(std::move(command), utf8(v, "a reply", max_reply_bytes));
  }
  Result<api::AuditDelta> delta = Error{};
  {
    nb::gil_scoped_release nogil;
    // The integration hands over what the running hub answered: a live source.
    auto home = [&] {
      std::lock_guard lock(*self.lists_mutex);
      return hub::ha::from_replies(input, origin, model::SourceKind::live, *self.lists);
    }();
    input.clear();
    if (home) delta = service->set_home(std::move(*home), origin);
    else delta = home.error();
  }
  if (!delta) raise(delta.error());
  return delta_dict(*delta);
}

nb::dict delta_dict(const api::AuditDelta& delta) {
  nb::list added, resolved;
  for (const auto& f : delta.new_findings) added.append(f.key());
  for (const auto& k : delta.resolved_keys) resolved.append(k);
  nb::dict out;
  out["audit_id"] = delta.audit_id;
  out["score"] = delta.score;
  out["new"] = added;
  out["resolved"] = resolved;
  return out;
}

nb::object apply_states(const Core& self, nb::list states, const std::string& origin) {
  auto service = self.get();
  if (origin.size() > max_origin_chars) raise("bad_input", "error.python.too_large", "origin is too long");
  if (states.size() > hub::ha::max_items)
    raise("bad_input", "error.python.too_many_replies",
          "states has " + std::to_string(states.size()) + " items, more than " + std::to_string(hub::ha::max_items));
  std::vector<std::string> texts;
  texts.reserve(states.size());
  std::size_t total = 0;
  for (nb::handle h : states) {
    texts.push_back(utf8(h, "a state", max_reply_bytes));
    if ((total += texts.back().size()) > max_reply_bytes)
      raise("bad_input", "error.python.too_large", "states are more than " + std::to_string(max_reply_bytes) + " bytes");
  }
  Result<std::optional<api::AuditDelta>> delta = Error{};
  {
    nb::gil_scoped_release nogil;
    delta = service->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, texts, origin); });
  }
  if (!delta) raise(delta.error());
  if (!*delta) return nb::none();
  return delta_dict(**delta);
}

std::string handle_text(const Core& self, const std::string& request) {
  auto service = self.get();
  nb::gil_scoped_release nogil;
  return service->handle(request);
}

}  // namespace

NB_MODULE(_core, m) {
  m.doc() = "The DomoGuard core (C++) for Python: the domoguard/* API and the hub port. Use the domoguard package.";
  nb::register_exception_translator(translate);
  nb::set_leak_warnings(false);
  m.attr("__version__") = DOMOGUARD_VERSION;
  m.attr("MAX_REPLY_BYTES") = max_reply_bytes;
  m.attr("MAX_REQUEST_BYTES") = api::max_request_bytes;
  // The action kinds a port must carry out (model::ActionKind, as text): a Python port is checked against it.
  nb::list kinds;
  for (auto k : model::kActionKinds) kinds.append(std::string(model::to_string(k)));
  m.attr("ACTION_KINDS") = nb::tuple(kinds);

  nb::class_<Core>(m, "Core",
                   "One home's DomoGuard core: its latest snapshot and audit, history and journal (when db_path is "
                   "set), and the hub port plans are applied through. Thread-safe; every call releases the GIL.")
      .def("__init__", &init_core, nb::arg("db_path") = "", nb::arg("lang") = "en",
           nb::arg("port").none() = nb::none(), nb::arg("live") = true,
           nb::sig("def __init__(self, db_path: str = '', lang: str = 'en', port: object | None = None, "
                   "live: bool = True) -> None"),
           "db_path: SQLite file for history, journal, notices and the event log ('' = in memory, no history).\n"
           "lang: default language of texts (en, de, fr, es, nl).\n"
           "port: an object with read(action) -> str and write(action, value) -> None that changes the hub "
           "(None = plans can be previewed, not applied).\n"
           "live: the port changes a real hub (the caller reloads replies after a change); False = re-audit the "
           "loaded home after a plan.")
      .def("load_replies", &load_replies, nb::arg("replies"), nb::arg("origin"),
           nb::sig("def load_replies(self, replies: dict[str, str], origin: str) -> dict[str, object]"),
           "Builds the home from Home Assistant WebSocket replies (command -> JSON text of its result) and "
           "audits it. Returns {'audit_id', 'score', 'new': [finding keys], 'resolved': [finding keys]}.")
      .def("apply_states", &apply_states, nb::arg("states"), nb::arg("origin"),
           nb::sig("def apply_states(self, states: list[str], origin: str) -> dict[str, object] | None"),
           "Applies state changes (each the JSON text of one new state, as HA's state_changed event carries it) "
           "to the loaded home in place and re-audits only the devices they touch and the home-level rules. "
           "Returns what load_replies() returns (audit_id 0 when nothing opened or resolved: that audit is "
           "not stored again), or None when a change cannot be applied in place (an entity the home does not "
           "know) and the home must be loaded whole.")
      .def("handle_text", &handle_text, nb::arg("request"),
           "One domoguard/* command as JSON text; returns the JSON reply text.")
      .def_static("audit_commands", &hub::ha::audit_commands,
                  "The WebSocket commands whose replies load_replies() reads, in the order to send them.")
      .def_prop_ro(
          "score",
          [](const Core& self) {
            auto service = self.get();
            nb::gil_scoped_release nogil;
            return service->score();
          },
          "The latest audit's home score (0-100); meaningful once has_home is true.")
      .def_prop_ro(
          "has_home",
          [](const Core& self) {
            auto service = self.get();
            nb::gil_scoped_release nogil;
            return service->has_home();
          },
          "Whether a home has been loaded and audited.")
      .def(
          "close", [](Core& self) { self.service.reset(); },
          "Releases the core (and its database) now; calls in flight finish first. Later calls raise.");
}
