#pragma once
// Error texts as people read them (the status page, the `audit search` table).
#include <string>
#include <string_view>

namespace vw {

/// An error text on one line, Vault's multi-error wrapper removed. Vault (go-multierror's
/// ListFormatFunc) writes "1 error occurred:\n\t* permission denied\n\n" and
/// "2 errors occurred:\n\t* a\n\t* b\n\n": the wrapper goes and the items stay
/// ("permission denied", "a; b"); text before the wrapper is kept ("bad request: a; b"); any
/// other line breaks and tabs become single spaces. Machine formats (JSON, CSV, the API) keep
/// Vault's text as it is; this is for display only.
std::string readable_error(std::string_view text);

}  // namespace vw
