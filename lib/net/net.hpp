#pragma once
// Namespace aliases used across lib/: `net` is Boost.Asio, `beast` is Boost.Beast.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace vw {
namespace net = boost::asio;
}  // namespace vw
