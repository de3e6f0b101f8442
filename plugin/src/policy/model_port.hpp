// A HubPort over an in-memory Home: the demo daemon and `--demo` apply plans to the demo home
// with it, and the apply tests use it as a hub that behaves (reads back what was written).
#pragma once

#include "model/home.hpp"
#include "policy/port.hpp"

namespace domoguard::policy {

class ModelPort : public HubPort {
 public:
  explicit ModelPort(model::Home& home) : home_(home) {}
  Result<std::string> read(const PlanAction& action) override;
  Result<bool> write(const PlanAction& action, const std::string& value) override;

 private:
  model::Entity* entity(const std::string& entity_id);
  const model::Token* token(const std::string& key) const;  // by model::token_key
  model::App* app(const std::string& slug);
  model::Home& home_;
};

}  // namespace domoguard::policy
