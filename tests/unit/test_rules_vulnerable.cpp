#include <catch2/catch.hpp>

#include "security_data/advisories.hpp"
#include "home_builder.hpp"
#include "util/resources.hpp"

using namespace dgtest;
using audit::Severity;
namespace data = domoguard::security_data;

namespace {
model::Device& product(HomeBuilder& b, std::string id, std::string manu, std::string model, std::string fw) {
  auto& d = b.device(std::move(id), "Device", "");
  d.manufacturer = std::move(manu);
  d.model = std::move(model);
  d.sw_version = std::move(fw);
  return d;
}
}  // namespace

TEST_CASE("The shipped vulnerability and release data parse", "[rules][vulnerable][catalog-sec]") {
  auto vul = resources::get("manifests/catalog/vulnerable.json");
  REQUIRE(vul);
  CHECK(data::check_vulnerable(*vul) == "");
  auto rel = resources::get("manifests/catalog/hub_releases.json");
  REQUIRE(rel);
  CHECK(data::check_hub_releases(*rel) == "");
}

TEST_CASE("Malformed data files are reported, not crashed on", "[rules][vulnerable][catalog-sec]") {
  struct Case {
    const char* doc;
    const char* expect;
  };
  const Case cases[] = {
      {"{", "not valid JSON"},
      {"[]", "top level"},
      {R"({"devices": 3})", "\"devices\""},
      {R"({"devices": [{"id": "x", "source": "s", "vendors": ["acme"], "models": [], "eol": true}]})", "devices[0]"},
      {R"({"devices": [{"id": "x", "source": "s", "vendors": ["acme"], "models": ["m"]}]})", "neither"},
      {R"({"devices": [{"id": "x", "source": "s", "vendors": "acme", "models": ["m"], "eol": true}]})", "wrong type"},
      {R"({"devices": [], "hub": [{"id": "h", "fixed": "x", "advisory": "a", "source": "s"}]})", "not a version"},
      {R"({"devices": [], "hub": [{"id": "h", "fixed": "1.0", "advisory": "a", "source": "s", "severity": "dire"}]})",
       "severity"},
  };
  for (const auto& c : cases) {
    INFO(c.doc);
    const auto err = data::check_vulnerable(c.doc);
    CHECK_THAT(err, Catch::Contains(c.expect));
    CHECK_THAT(err, Catch::Contains("vulnerable.json"));
  }
  CHECK_THAT(data::check_hub_releases(R"({"releases": [{"version": "2026.1.0", "date": "2026-01-07"}]})"),
             Catch::Contains("data_date"));
  CHECK_THAT(data::check_hub_releases(R"({"data_date": "x", "releases": [{"version": "banana", "date": "2026-01-07"}]})"),
             Catch::Contains("releases[0]"));
  CHECK_THAT(data::check_hub_releases(
                 R"({"data_date": "x", "latest": "2025.1.0", "releases": [{"version": "2026.1.0", "date": "2026-01-07"}]})"),
             Catch::Contains("latest"));
}

TEST_CASE("Versions compare sensibly", "[rules][vulnerable]") {
  struct Case {
    const char* a;
    const char* b;
    int sign;
  };
  const Case cases[] = {
      {"1.1.15", "1.1.16", -1},
      {"1.1.16 Build 211209 Rel. 37726n", "1.1.15", 1},
      {"1.10", "1.9", 1},
      {"V5.5.800", "5.5.800", 0},
      {"2023.3.1", "2023.3.2", -1},
      {"2023.3", "2023.3.0", 0},
      {"0.118.5", "2023.1.0", -1},
      {"1935144020", "1935144040", -1},
      {"1.60.1960149090", "1935144040", 1},   // dotted Hue text: its build number counts
  };
  for (const auto& c : cases) {
    INFO(c.a << " vs " << c.b);
    const int r = data::compare_versions(c.a, c.b);
    CHECK((r > 0) - (r < 0) == c.sign);
  }
}

TEST_CASE("DG-VUL-001 flags a Hue bridge on vulnerable firmware with high confidence", "[rules][vulnerable]") {
  HomeBuilder b;
  product(b, "hue", "Signify Netherlands B.V.", "BSB002", "1935144020");
  product(b, "hue_ok", "Signify Netherlands B.V.", "BSB002", "1.60.1960149090");
  auto f = run("DG-VUL-001", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "hue");
  CHECK(f[0].device_id == "hue");
  CHECK(ev(f[0], "advisory") == "CVE-2020-6007");
  CHECK(ev(f[0], "confidence") == "high");
  CHECK(f[0].severity == Severity::high);   // medium raised by an exact firmware match
  CHECK_FALSE(ev(f[0], "source").empty());
}

TEST_CASE("DG-VUL-001 confidence and severity by what matched", "[rules][vulnerable]") {
  struct Case {
    const char* manu;
    const char* model;
    const char* fw;
    const char* advisory;      // "" = no finding
    const char* confidence;
    Severity severity;
  };
  const Case cases[] = {
      // KEV, model family only: medium confidence even with an old build.
      {"HIKVISION", "DS-2CD2143G0-I", "V5.5.0 build 200225", "CVE-2021-36260", "medium", Severity::high},
      {"HIKVISION", "DS-2CD2143G0-I", "V5.5.800 build 210628", "", "", Severity::info},
      // KEV without firmware range (end of life): model only.
      {"D-Link Corporation", "DCS-2530L", "1.05.05", "CVE-2020-25078, CVE-2020-25079", "medium", Severity::high},
      // Firmware unknown: model only.
      {"TP-Link", "Archer AX21", "", "CVE-2023-1389", "medium", Severity::high},
      {"TP-Link", "Archer AX21", "1.1.2 Build 20221010", "CVE-2023-1389", "high", Severity::critical},
      {"TP-Link", "Archer AX21", "1.1.4 Build 20230219 rel.69802", "", "", Severity::info},
      {"TP-Link", "C200", "1.1.15 Build 211130 Rel.51226n", "CVE-2021-4045", "high", Severity::high},
      {"TP-Link", "C200", "1.1.16 Build 211209", "", "", Severity::info},
      // A vendor match alone never flags.
      {"HIKVISION", "Doorbell X1", "V1.0 build 190101", "", "", Severity::info},
      {"Acme", "DS-2CD2143G0-I", "V5.5.0 build 200225", "", "", Severity::info},
  };
  for (const auto& c : cases) {
    INFO(c.manu << " " << c.model << " " << c.fw);
    HomeBuilder b;
    product(b, "d1", c.manu, c.model, c.fw);
    auto f = run("DG-VUL-001", b.build());
    if (std::string(c.advisory).empty()) {
      CHECK(f.empty());
      continue;
    }
    REQUIRE(f.size() == 1);
    CHECK(ev(f[0], "advisory") == c.advisory);
    CHECK(ev(f[0], "confidence") == c.confidence);
    CHECK(f[0].severity == c.severity);
  }
}

TEST_CASE("DG-VUL-002 flags end-of-life models, weighted by tier", "[rules][vulnerable]") {
  HomeBuilder b;
  product(b, "cam", "D-Link", "DCS-2670L", "2.02");
  b.entity("camera.yard", "cam", "idle");
  product(b, "bridge", "Philips", "BSB001", "01047658");
  product(b, "ok", "Philips", "BSB002", "1.60.1960149090");
  auto f = run("DG-VUL-002", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) {
    if (x.subject.id == "cam") CHECK(x.severity == Severity::high);
    else {
      CHECK(x.subject.id == "bridge");
      CHECK(x.severity == Severity::medium);
      CHECK(ev(x, "end_of_life") == "2020-04-30");
    }
  }
}

TEST_CASE("DG-VUL-002 is quiet for supported models and not run without devices", "[rules][vulnerable]") {
  HomeBuilder b;
  product(b, "d1", "Signify Netherlands B.V.", "BSB002", "1.60.1960149090");
  CHECK(run("DG-VUL-002", b.build()).empty());
  HomeBuilder b2;
  b2.without(model::Part::devices);
  bool ran = true;
  run("DG-VUL-002", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-VUL-003 flags a hub version named in an advisory", "[rules][vulnerable]") {
  HomeBuilder b;
  b.h.hub.version = "2023.3.1";
  b.h.hub.installation_type = "Home Assistant OS";
  auto& core = b.entity("update.home_assistant_core_update", "", "on");
  core.supported_features = 1;
  auto f = run("DG-VUL-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::critical);
  CHECK(f[0].subject.kind == "hub");
  CHECK(ev(f[0], "fixed_in") == "2023.3.2");
  CHECK(ev(f[0], "confidence") == "high");
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  CHECK(ev(f[0], "update_entity") == "update.home_assistant_core_update");
}

TEST_CASE("DG-VUL-003 respects installation type and patched versions", "[rules][vulnerable]") {
  {
    HomeBuilder b;
    b.h.hub.version = "2023.3.1";
    b.h.hub.installation_type = "Home Assistant Container";
    CHECK(run("DG-VUL-003", b.build()).empty());
  }
  {
    HomeBuilder b;   // 2026.11.1
    CHECK(run("DG-VUL-003", b.build()).empty());
  }
  {
    HomeBuilder b;
    b.h.hub.version = "0.60.1";   // both advisories; type unknown
    auto f = run("DG-VUL-003", b.build());
    REQUIRE(f.size() == 1);
    CHECK(f[0].severity == Severity::critical);
    CHECK(ev(f[0], "confidence") == "medium");
    CHECK_THAT(ev(f[0], "advisory"), Catch::Contains("PYSEC-2019-221"));
    CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  }
  {
    HomeBuilder b;
    b.without(model::Part::hub_version);
    bool ran = true;
    run("DG-VUL-003", b.build(), &ran);
    CHECK_FALSE(ran);
  }
}

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

TEST_CASE("Every security rule has plain-language texts", "[rules][catalog-sec]") {
  std::ifstream in(DG_SOURCE_DIR "/locales/en.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  boost::json::object en;
  REQUIRE_NOTHROW(en = boost::json::parse(ss.str()).as_object());
  const std::string families[] = {"DG-UPD-", "DG-VUL-", "DG-ACC-", "DG-HUB-", "DG-NET-", "DG-SUP-", "DG-INV-"};
  int count = 0;
  for (const auto& r : audit::all_rules()) {
    const std::string id(r.id);
    if (std::none_of(std::begin(families), std::end(families), [&](const std::string& p) { return id.rfind(p, 0) == 0; }))
      continue;
    ++count;
    INFO(id);
    for (const char* part : {".title", ".why", ".fix"}) {
      auto* v = en.if_contains("rule." + id + part);
      REQUIRE(v);
      REQUIRE(v->is_string());
      CHECK(v->get_string().size() > 10);
    }
    CHECK_FALSE(r.clauses.empty());
  }
  CHECK(count >= 25);
  for (const char* k : {"rule.DG-UPD-001.fix_manual", "rule.DG-UPD-004.fix_manual", "rule.DG-UPD-005.fix_manual",
                        "rule.DG-ACC-004.fix_owner"})
    CHECK(en.if_contains(k));
}
