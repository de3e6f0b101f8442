// DG-RAD-004/005: Thread networks, from HA's .storage/thread.datasets (components/thread/
// dataset_store.py, 1.4) and from the live API's thread/list_datasets + thread/get_dataset_tlv. The
// fixture holds three datasets: the OpenThread Border Router web page's defaults (published key,
// PSKc, name and extended PAN id; preferred), a network with random credentials, and one formed
// with OpenThread's default name and extended PAN id but a random key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "home_builder.hpp"
#include "hub/ha/adapter.hpp"

using namespace dgtest;
using audit::Severity;

namespace {

const std::string fixture = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha/thread";

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("DG-RAD-004/005 from a config folder's thread.datasets", "[rules][radio][thread]") {
  auto h = hub::ha::load(fixture);
  REQUIRE(h);
  REQUIRE(h->has(model::Part::thread));
  REQUIRE(h->thread_networks.size() == 3);
  const auto& demo = h->thread_networks[0];
  CHECK(demo.network_name == "OpenThreadDemo");
  CHECK(demo.ext_pan_id == "1111111122222222");
  CHECK(demo.pan_id == "1234");
  CHECK(demo.preferred);
  CHECK(demo.default_key);
  CHECK(demo.default_pskc);
  CHECK(demo.default_ids);
  const auto& google = h->thread_networks[1];
  CHECK_FALSE(google.preferred);
  CHECK_FALSE(google.default_key);
  CHECK_FALSE(google.default_pskc);
  CHECK_FALSE(google.default_ids);
  const auto& legacy = h->thread_networks[2];
  CHECK_FALSE(legacy.default_key);
  CHECK(legacy.default_ids);

  h->hub.name = "Test home";
  std::set<std::string> got;
  for (const auto& f : audit::run_audit(*h).findings)
    if (f.rule == "DG-RAD-004" || f.rule == "DG-RAD-005")
      got.insert(f.rule + " " + f.subject.name + " " + audit::to_string(f.severity));
  CHECK(got.count("DG-RAD-004 OpenThreadDemo high") == 1);
  CHECK(got.count("DG-RAD-004 OpenThread low") == 1);
  CHECK(std::count_if(got.begin(), got.end(), [](const std::string& s) { return s.rfind("DG-RAD-005", 0) == 0; }) == 1);
  CHECK(got.size() == 3);

  // The keys are compared, never carried: no finding's evidence, text or subject holds one.
  for (const auto& f : audit::run_audit(*h).findings) {
    for (const auto& [k, v] : f.evidence) {
      CHECK(v.find("00112233445566778899") == std::string::npos);
      CHECK(v.find("445f2b5c") == std::string::npos);
      CHECK(v.find("3fa9c1e0") == std::string::npos);
    }
  }
}

TEST_CASE("DG-RAD-004/005 give the same findings from the live API's replies", "[rules][radio][thread][adapter]") {
  // The live port's convention: thread/get_dataset_tlv holds {"id","source","preferred","tlv"} per
  // dataset of thread/list_datasets (components/thread/websocket_api.py).
  namespace json = boost::json;
  const auto store = json::parse(read_file(fixture + "/.storage/thread.datasets")).as_object();
  const auto& data = store.at("data").as_object();
  json::array reply;
  for (const auto& d : data.at("datasets").as_array()) {
    const auto& o = d.as_object();
    reply.push_back(json::object{{"id", o.at("id")},
                                 {"source", o.at("source")},
                                 {"preferred", o.at("id") == data.at("preferred_dataset")},
                                 {"tlv", o.at("tlv")}});
  }
  hub::ha::Replies r;
  r["config_entries/get"] = R"([{"entry_id":"t1","domain":"thread","title":"Thread","state":"loaded"}])";
  r["thread/get_dataset_tlv"] = json::serialize(reply);
  auto live = hub::ha::from_replies(r, "test");
  REQUIRE(live);
  REQUIRE(live->has(model::Part::thread));
  auto folder = hub::ha::load(fixture);
  REQUIRE(folder);
  REQUIRE(live->thread_networks.size() == folder->thread_networks.size());
  for (size_t i = 0; i < live->thread_networks.size(); ++i) {
    const auto& a = live->thread_networks[i];
    const auto& b = folder->thread_networks[i];
    CHECK(a.ext_pan_id == b.ext_pan_id);
    CHECK(a.preferred == b.preferred);
    CHECK(a.default_key == b.default_key);
    CHECK(a.default_pskc == b.default_pskc);
    CHECK(a.default_ids == b.default_ids);
  }

  // A home without the thread integration has no Thread network: the rules run and find nothing.
  hub::ha::Replies none;
  none["config_entries/get"] = R"([{"entry_id":"e1","domain":"met","title":"Home","state":"loaded"}])";
  auto plain = hub::ha::from_replies(none, "test");
  REQUIRE(plain);
  CHECK(plain->has(model::Part::thread));
  CHECK(plain->thread_networks.empty());
}

TEST_CASE("DG-RAD-004/005: random credentials and one network are clean; no data means not run", "[rules][radio][thread]") {
  HomeBuilder b;
  model::ThreadNetwork n;
  n.id = "x";
  n.network_name = "ha-thread-7c2a";
  n.ext_pan_id = "6a9e4c10b2d3f587";
  n.preferred = true;
  b.h.thread_networks.push_back(n);
  auto& home = b.build();
  CHECK(run("DG-RAD-004", home).empty());
  CHECK(run("DG-RAD-005", home).empty());

  HomeBuilder two;
  two.h.thread_networks = {n, n};
  two.h.thread_networks[1].default_key = true;
  two.h.thread_networks[1].network_name = "";
  two.h.thread_networks[1].ext_pan_id = "dead00beef00cafe";
  auto& h2 = two.build();
  auto f = run("DG-RAD-004", h2);
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);
  CHECK(f[0].subject.name == "dead00beef00cafe");   // named by its extended PAN id when it has no name
  REQUIRE(run("DG-RAD-005", h2).size() == 1);

  HomeBuilder none;
  none.without(model::Part::thread);
  auto& nh = none.build();
  bool ran = true;
  run("DG-RAD-004", nh, &ran);
  CHECK_FALSE(ran);
  ran = true;
  run("DG-RAD-005", nh, &ran);
  CHECK_FALSE(ran);

  // A TLV that is cut short is no dataset: left out, the rest of the file still read.
  hub::ha::Replies r;
  r["config_entries/get"] = R"([{"entry_id":"t1","domain":"thread","title":"Thread","state":"loaded"}])";
  r["thread/get_dataset_tlv"] = R"([{"id":"a","source":"x","preferred":true,"tlv":"0208DEAD00BE"},
                                    {"id":"b","source":"x","preferred":false,"tlv":"zz"},
                                    {"id":"c","source":"x","preferred":false,"tlv":"0208dead00beef00cafe030a4f70656e546872656164"}])";
  auto cut = hub::ha::from_replies(r, "test");
  REQUIRE(cut);
  REQUIRE(cut->thread_networks.size() == 1);
  CHECK(cut->thread_networks[0].id == "c");
  CHECK(cut->thread_networks[0].default_ids);
}
