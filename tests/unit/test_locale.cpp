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

TEST_CASE("an error is said in the reader's language with its placeholders, its cause and what follows", "[locale]") {
  using domoguard::Error;
  using domoguard::ErrorCode;
  const Messages de("de"), en("en");
  Error other{ErrorCode::bad_input, "error.undo.other_hub", "Plan 7 was applied to another hub (flat)", "", "",
              {{"plan", "7"}, {"hub", "flat"}}};
  CHECK(error_text(other, de) == "Plan 7 wurde auf einen anderen Hub angewendet (flat).");
  CHECK(error_text(other, en) == "Plan 7 was applied to another hub (flat).");
  // An error without the values its text needs is told as its English message, never with "{plan}".
  Error bare{ErrorCode::bad_input, "error.undo.other_hub", "Plan 7 was applied to another hub (flat)", "", ""};
  CHECK(error_text(bare, de) == "Plan 7 was applied to another hub (flat)");
  // Its place in the file, in the reader's language too.
  CHECK(where_text("line 3, column 17", de) == "Zeile 3, Spalte 17");
  CHECK(where_text("member data/x.json", Messages("fr")) == "élément data/x.json");
  CHECK(where_text("byte 120", Messages("nl")) == "byte 120");
  CHECK(where_text("line three, column 1", de) == "line three, column 1");   // not the form: as it is
  // A key without a text (an error only a developer meets) is told as its English message.
  Error odd{ErrorCode::internal, "error.test.no_text", "Something odd happened", "", ""};
  CHECK(error_text(odd, de) == "Something odd happened");
  // The cause fills {reason} in the reader's language; the sentence after follows in it too.
  Error step{ErrorCode::internal, "error.apply.step_failed", "Step 2 (...) failed: switch.x is unavailable", "", "",
             {{"step", "2"}, {"kind", "switch"}, {"target", "switch.x"}, {"value", "on"}, {"reason", "switch.x is unavailable"}}};
  step.cause = std::make_shared<const Error>(
      Error{ErrorCode::internal, "error.port.unavailable", "switch.x is unavailable", "", "", {{"target", "switch.x"}}});
  step.then = std::make_shared<const Error>(
      Error{ErrorCode::unreachable, "error.apply.hub_gone_in_rollback", "The hub went away before everything was restored", "", ""});
  CHECK(error_text(step, Messages("nl")) ==
        "Stap 2 (switch.x: switch → on) is mislukt: switch.x is niet beschikbaar. De hub viel weg voordat alles was "
        "hersteld; de volgende keer toepassen of ongedaan maken herstelt de rest.");
  // A cause without a text keeps its English message inside the translated sentence.
  step.cause = std::make_shared<const Error>(odd);
  step.then.reset();
  CHECK(error_text(step, de) == "Schritt 2 (switch.x: switch → on) ist fehlgeschlagen: Something odd happened");
}
