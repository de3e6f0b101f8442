#include <catch2/catch.hpp>

#include "locale/messages.hpp"

using namespace domoguard::locale;

TEST_CASE("placeholders are filled, unknown ones left as written", "[locale]") {
  CHECK(format("Lock {name} in {area}", {{"name", "Front"}, {"area", "Hall"}}) == "Lock Front in Hall");
  CHECK(format("{missing} stays", {}) == "{missing} stays");
  CHECK(format("unclosed {brace", {{"brace", "x"}}) == "unclosed {brace");
  CHECK(placeholders_in("{b} and {a} and {b}") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("languages fall back to English key by key, never to a raw key for known keys", "[locale]") {
  Messages en("en");
  REQUIRE(en.has("cli.audit.score"));
  Messages unknown("xx-YY");
  CHECK(unknown.lang() == "en");
  CHECK(unknown.text("cli.audit.score", {{"score", "5"}}) == en.text("cli.audit.score", {{"score", "5"}}));
  Messages region("en_GB.UTF-8");
  CHECK(region.lang() == "en");
  CHECK(en.text("no.such.key") == "no.such.key");
  CHECK(en.text_or_empty("no.such.key").empty());
}

TEST_CASE("every catalogue has the same keys and placeholders as English", "[locale]") {
  auto en = Messages::load("en");
  REQUIRE(en.size() > 50);
  for (const auto& lang : Messages::languages()) {
    if (lang == "en") continue;
    auto other = Messages::load(lang);
    INFO("language " << lang);
    for (const auto& [key, text] : en) {
      INFO("key " << key);
      REQUIRE(other.count(key) == 1);
      CHECK(placeholders_in(other.at(key)) == placeholders_in(text));
    }
  }
}

#include "cli_words.hpp"

TEST_CASE("a confirmation accepts the household's own word for yes", "[locale][cli]") {
  using domoguard::cli::confirmed;
  using domoguard::locale::Messages;
  CHECK(confirmed("y", Messages("en")));
  CHECK(confirmed(" Yes \r", Messages("en")));
  CHECK(confirmed("ja", Messages("de")));
  CHECK(confirmed("J", Messages("nl")));
  CHECK(confirmed("oui", Messages("fr")));
  CHECK(confirmed("sí", Messages("es")));
  CHECK(confirmed("y", Messages("de")));     // "y" works everywhere, as the prompt's old habit
  CHECK_FALSE(confirmed("", Messages("de")));
  CHECK_FALSE(confirmed("n", Messages("de")));
  CHECK_FALSE(confirmed("ja", Messages("en")));
  CHECK_FALSE(confirmed("j,ja", Messages("de")));
}

TEST_CASE("a reason packed with its values is said later in the reader's language", "[locale]") {
  using domoguard::locale::later;
  using domoguard::locale::Messages;
  using domoguard::locale::say;
  const auto packed = later("notrun.reply.refused_because", {{"command", "config/auth/list"}, {"detail", "Unauthorized"}});
  CHECK(say(packed, Messages("en")) == "Home Assistant refused config/auth/list: Unauthorized");
  CHECK(say(packed, Messages("de")) == "Home Assistant hat config/auth/list abgelehnt: Unauthorized");
  CHECK(say("notrun.ws.mfa", Messages("fr")).find("WebSocket") != std::string::npos);
  CHECK(say("plain words", Messages("de")) == "plain words");  // not a key: as it is
  // A value cannot smuggle in a placeholder of its own.
  const auto hostile = later("notrun.reply.absent", {{"command", std::string("x\x1f") + "command\x1e" + "y"}});
  CHECK(say(hostile, Messages("en")).rfind("The reply to xcommandy is not among the replies saved in this folder.", 0) == 0);
}
