#include "audit/line_split.hpp"

namespace vw::audit {

StartAtEnd start_at_end(std::string_view tail, std::uint64_t size) {
  if (const auto nl = tail.rfind('\n'); nl != std::string_view::npos)
    return {size - tail.size() + nl + 1, false};
  return {size, size > 0};
}

}  // namespace vw::audit
