// The JSON form of privacy notices, as the domoguard/notice command and `domoguard notice --format
// json` return it. Boost.JSON stays in this header (not notice.hpp) because its callers build their
// replies as boost::json objects and merge this one in; a text form would be parsed again.
#pragma once

#include <boost/json/object.hpp>

#include "locale/messages.hpp"
#include "notice/notice.hpp"

namespace domoguard::notice {

boost::json::object to_json(const DeviceNotice& n, const locale::Messages& msg);
boost::json::object to_json(const HomeNotice& n, const locale::Messages& msg);

}  // namespace domoguard::notice
