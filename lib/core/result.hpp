#pragma once
// vw::result<T>: the return type of everything that can fail as data (parsers, loaders).
// boost::system::result keeps us on the vocabulary Asio/Beast already use; the error side is a
// human-readable message because every consumer of these errors is an operator reading a log or
// a `--check-config` report.
#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace vw {

struct Error {
  std::string message;
  bool operator==(const Error&) const = default;
};

/// Found by ADL when result<T>::value() is called on an error: throws std::runtime_error.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, Error>;

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace vw
