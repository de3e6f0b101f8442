// audit_json's document as a JSON value, for a caller that adds to it before serialising (the
// domoguard/audit and domoguard/device replies): no text round trip through the serialiser and
// the parser.
#pragma once

#include <boost/json/value.hpp>

#include "report/render.hpp"

namespace domoguard::report {

boost::json::value audit_document(const AuditView& v);

}  // namespace domoguard::report
