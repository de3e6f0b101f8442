// Boost.JSON compiled into the extension (header-only mode): distributions ship libboost_json.a
// without -fPIC, and the shared library would tie the wheel to one Boost release.
#include <boost/json/src.hpp>
