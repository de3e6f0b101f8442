// The one table of the domoguard/* API: each verb's name, its parameters and their types, who may
// call it, and what it returns (in words, and its reply's fields with their types). Service::handle
// checks a request against it and calls the verb's own function; `domoguard/verbs` (and `domoguard
// api-schema`) hand it to the front ends, whose WebSocket schemas (the integration) and typed calls
// and reply types (the panel) are tested against it; tests/unit/test_verbs.cpp also holds every
// verb's real reply to the fields described here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace domoguard::api {

enum class Caller { anyone, admin };           // anyone = any signed-in person; admin = the hub's admins
enum class ParamType { string, integer, boolean, string_list, object };
// The type of one field of a reply: enough for a front end's types to be checked against it.
enum class FieldType { string, integer, boolean, string_list, integer_list, object, object_list, any };

std::string_view to_string(Caller c);
std::string_view to_string(ParamType t);
std::string_view to_string(FieldType t);

struct Param {
  std::string_view name;
  ParamType type;
  bool required = false;
  std::string_view about;
};

struct Field {
  std::string_view name;
  FieldType type;
  bool nullable = false;   // null where there is nothing (no score yet, no journal entry)
  bool optional = false;   // absent from some replies (a home notice has no device_id)
};

// What `result` holds: in words, and its fields (those of each element when it is a list).
struct Reply {
  std::string_view about;
  std::vector<Field> fields;
  bool list = false;
};

struct VerbSpec {
  std::string_view name;        // after "domoguard/"
  Caller caller;
  std::vector<Param> params;    // besides "type", "id" and "lang", which every request may carry
  Reply returns;                // what `result` holds
  bool names_user = false;      // the host adds the signed-in person as "user" (journal, acknowledgements)
  bool changes = false;         // it may change the hub or the household's records: audit again afterwards
  bool host_only = false;       // called by a host itself (not offered to the panel over WebSocket)
};

const std::vector<VerbSpec>& verb_table();
const VerbSpec* find_verb(std::string_view name);
// The table as JSON: [{"name","caller","params":[{"name","type","required","about"}],"returns",
// "reply":{"list","fields":[{"name","type","nullable","optional"}]},...}].
std::string verbs_json();

}  // namespace domoguard::api
