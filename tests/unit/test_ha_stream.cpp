// The large list replies are read as a stream of parser events (hub/ha/json_stream), not as a tree:
// every item must come out exactly as the tree-based builders read it, whatever the item holds
// (repeated keys, escapes, wrong types, nesting), and the reply around the list must mean the same.
#include <algorithm>
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "hub/ha/adapter.hpp"
#include "hub/ha/build.hpp"
#include "hub/ha/json_stream.hpp"

using namespace domoguard;
namespace ha = domoguard::hub::ha;
namespace json = boost::json;

namespace {

// Items that differ from the usual shape in every way the builders look at.
const std::vector<std::string> entity_items = {
    R"({"entity_id":"lock.front","unique_id":"u1","platform":"zwave_js","config_entry_id":"e1","device_id":"d1",
        "area_id":"hall","original_name":"Front door","name":null,"device_class":null,"original_device_class":"lock",
        "translation_key":"t","entity_category":null,"disabled_by":null,"hidden_by":"user","supported_features":1,
        "options":{"conversation":{"should_expose":true},"cloud.alexa":{"should_expose":false},
                   "lock":{"default_code":"1234"}},"labels":[],"categories":{}})",
    // Repeated keys: the last value counts, also inside options.
    R"({"entity_id":"switch.a","entity_id":"switch.b","name":"x","name":7,"options":{"conversation":{"should_expose":true}},
        "options":{"conversation":{"should_expose":false,"should_expose":true},"conversation":{"should_expose":false}}})",
    // Wrong types everywhere.
    R"({"entity_id":["light.x"],"unique_id":{"a":1},"platform":true,"name":1.5,"disabled_by":false,"hidden_by":null,
        "supported_features":"3","options":[{"conversation":{"should_expose":true}}]})",
    R"({"entity_id":"sensor.n","supported_features":18446744073709551615,"options":{"conversation":[true],
        "cloud.google_assistant":{"should_expose":"yes"},"alarm_control_panel":{"default_code":0},"lock":{"default_code":""}}})",
    R"({"entity_id":"sensor.d","supported_features":12.9,"options":{"lock":{"default_code":{"x":1}},
        "alarm_control_panel":{"default_code":"9"},"alarm_control_panel":{"other":1}}})",
    // Escapes, control characters and terminal sequences, long text.
    R"({"entity_id":"light.\u006b\u00fcche","name":"Tab\there \u001b[31mred\u001b[0m \"q\" \\ \/","original_name":")" +
        std::string(600, 'n') + R"("})",
    R"({"options":{"conversation":{"nested":{"should_expose":true}}},"entity_id":"fan.deep","extra":[[[[[[1]]]]]]})",
    R"({})",
};

const std::vector<std::string> device_items = {
    R"({"id":"d1","name":"Hub","name_by_user":"My hub","manufacturer":"M","model":"X","model_id":"x1","sw_version":"1",
        "hw_version":"2","serial_number":"S","area_id":"a","primary_config_entry":"e2","config_entry_id":"e1",
        "config_entries":["e1","e2","e3","e1",5,null,""],"connections":[["mac","AA:BB:CC:DD:EE:FF"],["zigbee","0x1"]],
        "identifiers":[["hue","1"],["hue"],["a","b","c"],"x",[1,2],[["n"],"v"]],"via_device_id":"v","parent_device_id":null,
        "configuration_url":"http://x/","disabled_by":"user","entry_type":"service","created_at":1.7E9})",
    R"({"id":"d2","connections":[["mac","1"]],"connections":"none","identifiers":{"a":"b"},"config_entries":"e9",
        "entry_type":"Service","name":null,"name_by_user":""})",
    R"({"id":"d3","config_entries":["a"],"config_entries":["b","c"],"parent_device_id":"p","identifiers":[["z",
        "\u00e9t\u00e9"]]})",
};

const std::vector<std::string> state_items = {
    // Attribute names the home keeps (model::kept_attribute) and others, which are dropped.
    R"({"entity_id":"light.a","state":"on","attributes":{"friendly_name":"A","supported_features":44,"brightness":255,
        "rgb":[1,2,3],"access_token":"secret","entity_picture":"/api/x?token=1","device_class":"x","in_progress":true,
        "battery_level":21.5,"latest_version":1e300,"title":null,"source":[1]},"last_changed":"x","context":{"id":"c"}})",
    // Repeated keys: the last value at the first place.
    R"({"entity_id":"sensor.b","state":5,"attributes":{"title":"1","title":{"o":1},"source":"2","source":"3",
        "friendly_name":"B1","friendly_name":"B2"},"attributes":{"id":"4","id":"5"}})",
    R"({"entity_id":"sensor.c","state":{"x":1},"attributes":["a"]})",
    R"({"entity_id":"nodot","state":"x"})",
    R"({"state":"x","attributes":{"battery":1},"entity_id":"binary_sensor.late","entity_id":"binary_sensor.later"})",
    R"({"entity_id":"sensor.e","attributes":{"supported_features":"7","device_class":3,"friendly_name":null}})",
    R"({"entity_id":"sensor.b","state":"again","attributes":{"title":"x","in_progress":true,"z":true}})",
};

std::string many_attributes() {
  std::string s = R"({"entity_id":"sensor.many","state":"1","attributes":{)";
  for (int i = 0; i < 300; ++i) s += "\"a" + std::to_string(i % 170) + "\":" + std::to_string(i) + ",";
  return s + R"("title":"x","last":"x"}})";
}

std::string list_of(const std::vector<std::string>& items) {
  std::string s = "[1,\"x\",null,[]";
  for (const auto& i : items) s += "," + i;
  return s + "]";
}

template <class T>
std::vector<T> stream(const std::string& text, std::unique_ptr<ha::detail::ItemVisitor> (*make)(std::vector<T>&)) {
  std::vector<T> out;
  auto v = make(out);
  auto r = ha::detail::read_list(text, "t", *v);
  REQUIRE(r);
  CHECK(r->is_array);
  return out;
}

// Fields compared one by one, so that a failure names the field.
void same(const model::Entity& a, const model::Entity& b) {
  INFO(a.entity_id);
  CHECK(a.entity_id == b.entity_id);
  CHECK(a.domain == b.domain);
  CHECK(a.unique_id == b.unique_id);
  CHECK(a.platform == b.platform);
  CHECK(a.config_entry_id == b.config_entry_id);
  CHECK(a.device_id == b.device_id);
  CHECK(a.area_id == b.area_id);
  CHECK(a.name == b.name);
  CHECK(a.original_name == b.original_name);
  CHECK(a.device_class == b.device_class);
  CHECK(a.translation_key == b.translation_key);
  CHECK(a.entity_category == b.entity_category);
  CHECK(a.disabled == b.disabled);
  CHECK(a.hidden == b.hidden);
  CHECK(a.in_registry == b.in_registry);
  CHECK(a.exposure.conversation == b.exposure.conversation);
  CHECK(a.exposure.alexa == b.exposure.alexa);
  CHECK(a.exposure.google == b.exposure.google);
  CHECK(a.has_default_code == b.has_default_code);
  CHECK(a.state == b.state);
  CHECK(a.attributes == b.attributes);
  CHECK(a.supported_features == b.supported_features);
}

}  // namespace

// Whether an entity holds an attribute of this name (found by walking them: asking Attributes for a
// name it never keeps is a mistake it reports).
[[maybe_unused]] static bool holds_attribute(const domoguard::model::Entity& e, std::string_view k) {
  return std::any_of(e.attributes.begin(), e.attributes.end(), [&](const auto& kv) { return kv.first == k; });
}

TEST_CASE("entity registry items read as a stream equal the tree-based reading", "[adapter][stream]") {
  const auto got = stream(list_of(entity_items), &ha::detail::entity_reader);
  REQUIRE(got.size() == entity_items.size());
  for (std::size_t i = 0; i < entity_items.size(); ++i)
    same(got[i], ha::detail::parse_entity(json::parse(entity_items[i]).as_object()));
  CHECK(got[0].has_default_code);
  CHECK(got[1].entity_id == "switch.b");
  CHECK(got[1].exposure.conversation == false);
  CHECK(got[3].has_default_code);
}

TEST_CASE("device registry items read as a stream equal the tree-based reading", "[adapter][stream]") {
  const auto got = stream(list_of(device_items), &ha::detail::device_reader);
  REQUIRE(got.size() == device_items.size());
  for (std::size_t i = 0; i < device_items.size(); ++i) {
    const auto want = ha::detail::parse_device(json::parse(device_items[i]).as_object(), false);
    const auto& d = got[i];
    INFO(want.id);
    CHECK(d.id == want.id);
    CHECK(d.name == want.name);
    CHECK(d.manufacturer == want.manufacturer);
    CHECK(d.model == want.model);
    CHECK(d.model_id == want.model_id);
    CHECK(d.sw_version == want.sw_version);
    CHECK(d.hw_version == want.hw_version);
    CHECK(d.serial_number == want.serial_number);
    CHECK(d.area_id == want.area_id);
    CHECK(d.config_entry_ids == want.config_entry_ids);
    CHECK(d.via_device_id == want.via_device_id);
    CHECK(d.parent_device_id == want.parent_device_id);
    CHECK(d.configuration_url == want.configuration_url);
    CHECK(d.connections == want.connections);
    CHECK(d.identifiers == want.identifiers);
    CHECK(d.disabled == want.disabled);
    CHECK(d.service == want.service);
    CHECK(d.child_device == want.child_device);
  }
  CHECK(got[0].config_entry_ids == std::vector<std::string>{"e2", "e1", "e3"});
  CHECK(got[0].identifiers.size() == 3);
}

TEST_CASE("states read as a stream merge as the tree-based reading does", "[adapter][stream]") {
  auto items = state_items;
  items.push_back(many_attributes());
  const std::string text = list_of(items);
  // A home with registry entries, some of which the states name.
  auto base = [] {
    model::Home h;
    for (const char* id : {"light.a", "sensor.b", "sensor.e"}) {
      model::Entity e;
      e.entity_id = id;
      e.domain = std::string(id).substr(0, std::string(id).find('.'));
      if (std::string(id) == "sensor.e") e.name = "Kept";
      h.entities.push_back(e);
    }
    return h;
  };
  model::Home tree = base(), streamed = base();
  ha::detail::merge_states(json::parse(text).as_array(), tree);
  auto records = stream(text, &ha::detail::state_reader);
  ha::detail::merge_state_records(records, streamed);
  REQUIRE(streamed.entities.size() == tree.entities.size());
  for (std::size_t i = 0; i < tree.entities.size(); ++i) same(streamed.entities[i], tree.entities[i]);
  const auto& a = streamed.entities[0];
  CHECK_FALSE(holds_attribute(a, "access_token"));
  CHECK_FALSE(holds_attribute(a, "entity_picture"));
  CHECK_FALSE(holds_attribute(a, "brightness"));   // no rule reads it: not kept
  CHECK(a.attributes.at("battery_level") == "2.15E1");   // numbers as Boost.JSON writes them, as before
  CHECK(a.attributes.at("in_progress") == "true");
  CHECK(a.supported_features == 44);
  const auto& b = streamed.entities[1];
  CHECK(b.attributes.count("source") == 0);   // the last "attributes" counts: the first is replaced
  CHECK(b.attributes.at("id") == "5");        // a repeated key: its last value
  CHECK(b.attributes.at("title") == "x");     // added by the entity's second state
  const auto& many = streamed.entities.back();
  REQUIRE(many.entity_id == "sensor.many");
  CHECK(many.attributes.size() == 1);
  CHECK(many.attributes.at("title") == "x");
}

TEST_CASE("a list reply means the same whole or as HA's result message", "[adapter][stream]") {
  const std::string list = list_of(entity_items);
  auto count = [](const std::string& text) {
    std::vector<model::Entity> out;
    auto v = ha::detail::entity_reader(out);
    auto r = ha::detail::read_list(text, "t", *v);
    REQUIRE(r);
    return std::make_pair(*r, out.size());
  };
  SECTION("the message around the list") {
    auto [r, n] = count(R"({"id":4,"type":"result","success":true,"result":)" + list + "}");
    CHECK(r.is_array);
    CHECK(n == entity_items.size());
  }
  SECTION("type and success after the result, and a repeated result") {
    auto [r, n] = count(R"({"result":[{"entity_id":"a.b"}],"result":)" + list + R"(,"success":true,"type":"result"})");
    CHECK(r.is_array);
    CHECK(n == entity_items.size());
  }
  SECTION("a result that is not a list") {
    auto [r, n] = count(R"({"type":"result","success":true,"result":[{"entity_id":"a.b"}],"result":{"x":[1]}})");
    CHECK_FALSE(r.is_array);
    CHECK_FALSE(r.refused);
  }
  SECTION("refused, with HA's message (the last one, cleaned)") {
    auto [r, n] = count(R"({"type":"result","success":true,"success":false,"error":{"message":"a","message":"No\u001b[1m way"}})");
    CHECK(r.refused);
    CHECK(r.detail == "No way");
  }
  SECTION("no result") {
    auto [r, n] = count(R"({"type":"result","success":true})");
    CHECK(r.no_result);
  }
  SECTION("an object that is not a result message is not a list") {
    auto [r, n] = count(R"({"type":"event","success":true,"result":[{"entity_id":"a.b"}]})");
    CHECK_FALSE(r.is_array);
    CHECK_FALSE(r.refused);
  }
}

TEST_CASE("a list reply read in chunks reads as the whole, errors included", "[adapter][stream]") {
  const std::string text = "[\n" + entity_items[0] + ",\n" + entity_items[5] + "\n]";
  for (std::size_t chunk : {1u, 7u, 64u}) {
    std::vector<model::Entity> out;
    auto v = ha::detail::entity_reader(out);
    ha::detail::ListReader reader(*v, "t");
    for (std::size_t i = 0; i < text.size(); i += chunk) REQUIRE(reader.write(std::string_view(text).substr(i, chunk)));
    auto r = reader.finish();
    REQUIRE(r);
    REQUIRE(out.size() == 2);
    same(out[1], ha::detail::parse_entity(json::parse(entity_items[5]).as_object()));
  }
  const std::string bad = "[\n{\"entity_id\":\"a.b\"},\n  {oops}]";
  std::vector<model::Entity> out;
  auto v = ha::detail::entity_reader(out);
  ha::detail::ListReader reader(*v, "f.json");
  bool ok = true;
  for (std::size_t i = 0; i < bad.size() && ok; i += 5) ok = reader.write(std::string_view(bad).substr(i, 5));
  CHECK_FALSE(ok);
  auto r = reader.finish();
  REQUIRE_FALSE(r);
  CHECK(r.error().file == "f.json");
  CHECK(r.error().where == "line 3, column 4");
  CHECK(r.error().key == "error.json.malformed");
}

TEST_CASE("list replies past the item bound are cut as before", "[adapter][stream]") {
  std::string text = "[";
  for (std::size_t i = 0; i < ha::max_items + 5; ++i) text += i ? ",{}" : "{}";
  text += "]";
  std::vector<model::Entity> out;
  auto v = ha::detail::entity_reader(out);
  REQUIRE(ha::detail::read_list(text, "t", *v));
  CHECK(out.size() == ha::max_items);
}

TEST_CASE("a WebSocket message is routed and its result cut out without a tree", "[adapter][stream]") {
  const std::string msg = R"( {"id":12,"type":"result","success":true,"result":{"a":[1,"]}",{"b":"\"}"}]}, "x":1} )";
  auto env = ha::detail::read_envelope(msg);
  REQUIRE(env);
  CHECK(env->type == "result");
  CHECK(env->id == 12);
  CHECK(env->success);
  REQUIRE(env->has_result);
  CHECK(json::parse(msg.substr(env->result_begin, env->result_size)) == json::parse(R"({"a":[1,"]}",{"b":"\"}"}]})"));
  auto err = ha::detail::read_envelope(R"({"id":3,"type":"result","success":false,"error":{"code":"not_found","message":"No"}})");
  REQUIRE(err);
  CHECK_FALSE(err->success);
  CHECK(err->error_code == "not_found");
  CHECK(err->error_message == "No");
  auto last = ha::detail::read_envelope(R"({"result":1,"id":"7","type":"result","result":[2, 3] ,"success":true})");
  REQUIRE(last);
  CHECK_FALSE(last->id);
  CHECK(std::string(R"({"result":1,"id":"7","type":"result","result":[2, 3] ,"success":true})").substr(last->result_begin, last->result_size) == "[2, 3]");
  CHECK_FALSE(ha::detail::read_envelope("[1]"));
  CHECK_FALSE(ha::detail::read_envelope("{\"a\":1} x"));
  CHECK_FALSE(ha::detail::read_envelope(std::string(40, '[') + std::string(40, ']')));

  std::vector<ha::detail::ArrayElement> el;
  const std::string states = R"([{"entity_id":"a.b","s":{"entity_id":"no"}}, 5 ,{"entity_id":"c\u002ed","entity_id":"e.f"},{"entity_id":1}])";
  REQUIRE(ha::detail::split_array(states, "entity_id", el));
  REQUIRE(el.size() == 4);
  CHECK(el[0].key_value == "a.b");
  CHECK(states.substr(el[1].begin, el[1].size) == "5");
  CHECK(el[2].key_value == "e.f");
  CHECK(el[3].key_value.empty());
  CHECK(states.substr(el[3].begin, el[3].size) == R"({"entity_id":1})");
  CHECK_FALSE(ha::detail::split_array("{}", "entity_id", el));
}
