#pragma once
// The URL type and parser are core's (core/url.hpp: lib/config validates URLs with them too);
// these names keep http's spelling of them.
#include "core/url.hpp"

namespace vw::http {

using vw::parse_url;
using vw::Url;

}  // namespace vw::http
