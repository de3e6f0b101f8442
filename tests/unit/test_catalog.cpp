#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"

using namespace domoguard;

TEST_CASE("the catalogue lists all 52 clauses of the standard plus Annex D", "[catalog]") {
  auto c = catalog::load();
  REQUIRE(c);
  std::set<std::string> ids;
  for (const auto& cl : c->clauses) ids.insert(cl.id);
  CHECK(ids.size() == c->clauses.size());  // no duplicates
  CHECK(ids.count("D") == 1);
  CHECK(ids.size() == 53);
  for (auto id : {"6.2.1", "6.3.4", "7.1.2", "7.1.7", "7.2.1", "7.2.24", "7.3.1", "7.3.14"}) CHECK(ids.count(id) == 1);
}

TEST_CASE("every rule cites known clauses and every clause is served or explained", "[catalog]") {
  auto c = catalog::load();
  REQUIRE(c);
  locale::Messages msg("en");
  // DG-<FAMILY>-<NNN>: family of 2-4 capitals, three digits.
  auto id_form = [](const std::string& id) {
    if (id.rfind("DG-", 0) != 0) return false;
    auto dash = id.find('-', 3);
    if (dash == std::string::npos || dash - 3 < 2 || dash - 3 > 4 || id.size() != dash + 4) return false;
    for (size_t i = 3; i < dash; ++i)
      if (id[i] < 'A' || id[i] > 'Z') return false;
    for (size_t i = dash + 1; i < id.size(); ++i)
      if (id[i] < '0' || id[i] > '9') return false;
    return true;
  };
  std::set<std::string> rule_ids;
  REQUIRE(audit::all_rules().size() >= 45);
  for (const auto& r : audit::all_rules()) {
    const std::string id(r.id);
    INFO("rule " << id);
    CHECK(id_form(id));
    CHECK(rule_ids.insert(id).second);
    CHECK_FALSE(r.clauses.empty());
    CHECK((r.home_check != nullptr) != (r.device_check != nullptr));
    for (auto cl : r.clauses) CHECK(c->find(std::string(cl)) != nullptr);
    CHECK(msg.has("rule." + id + ".title"));
    CHECK(msg.has("rule." + id + ".why"));
  }
  for (const auto& cl : c->clauses) {
    INFO("clause " << cl.id);
    CHECK(msg.has("clause." + cl.id + ".title"));
    CHECK(msg.has("clause." + cl.id + ".summary"));
    const bool ok_coverage = cl.coverage == "automated" || cl.coverage == "guidance" || cl.coverage == "out_of_reach";
    CHECK(ok_coverage);
    if (cl.coverage == "automated") CHECK_FALSE(cl.rules.empty());
    // A clause no rule serves must say why, never be silently absent.
    if (cl.rules.empty()) CHECK(msg.has("clause." + cl.id + ".reason"));
  }
  // Both dimensions and all four risk sources are covered.
  std::set<int> dims, sources;
  for (const auto& r : audit::all_rules()) {
    dims.insert(static_cast<int>(r.dimension));
    sources.insert(static_cast<int>(r.risk_source));
  }
  CHECK(dims.size() == 2);
  CHECK(sources.size() == 4);
}

TEST_CASE("a malformed catalogue is an error naming the file", "[catalog]") {
  auto c = catalog::parse("{\"clauses\": 3}", "x.json");
  REQUIRE_FALSE(c);
  CHECK(c.error().file == "x.json");
  CHECK_FALSE(catalog::parse("not json", "y.json"));
}

TEST_CASE("every rule says why it has its severity, in every language, and the severity was reviewed", "[catalog]") {
  auto c = catalog::load();
  REQUIRE(c);
  for (const auto& r : audit::all_rules()) {
    const std::string id(r.id);
    INFO(id);
    auto it = c->severity.find(id);
    REQUIRE(it != c->severity.end());
    // A changed severity must come with a reviewed reason: the two are kept in step.
    CHECK(it->second == audit::to_string(r.severity));
  }
  CHECK(c->severity.size() == audit::all_rules().size());

  // The reason is a message: said in each language, short enough to read under a finding.
  const auto en = locale::Messages::load("en");
  const auto characters = [](const std::string& s) {
    return std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
  };
  for (const auto& lang : locale::Messages::languages()) {
    const auto texts = locale::Messages::load(lang);
    for (const auto& r : audit::all_rules()) {
      const std::string key = "rule." + std::string(r.id) + ".severity_reason";
      INFO(lang << " " << key);
      auto at = texts.find(key);
      REQUIRE(at != texts.end());
      CHECK(characters(at->second) >= 20);
      CHECK(characters(at->second) <= 240);
      if (lang != "en") CHECK(at->second != en.at(key));  // translated, not English copied over
    }
  }
}

TEST_CASE("explain and the catalogue say why a rule has its severity in the reader's language", "[catalog][explain]") {
  auto c = catalog::load();
  REQUIRE(c);
  const auto* rule = audit::find_rule("DG-ACC-001");
  REQUIRE(rule != nullptr);
  for (const auto* lang : {"en", "de", "fr", "es", "nl"}) {
    const locale::Messages msg(lang);
    const auto reason = msg.text("rule.DG-ACC-001.severity_reason");
    INFO(lang << ": " << reason);
    CHECK(report::explain(*rule, *c, msg).find(reason) != std::string::npos);
    CHECK(report::catalog_json(*c, msg).find(reason) != std::string::npos);
  }
  CHECK(locale::Messages("de").text("rule.DG-ACC-001.severity_reason") != locale::Messages("en").text("rule.DG-ACC-001.severity_reason"));
}

TEST_CASE("explain says every rule of no subject in particular, placeholders and all", "[catalog][explain]") {
  auto c = domoguard::catalog::load();
  REQUIRE(c);
  for (const auto* lang : {"en", "de", "fr", "es", "nl"}) {
    const domoguard::locale::Messages msg(lang);
    for (const auto& rule : domoguard::audit::all_rules()) {
      const auto text = domoguard::report::explain(rule, *c, msg);
      INFO(lang << " " << rule.id << ":\n" << text);
      CHECK(text.find('{') == std::string::npos);  // no "{count}" left unsaid
    }
  }
}
