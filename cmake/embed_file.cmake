# cmake -DIN=<file> -DOUT=<cpp> -DNAMESPACE=<ns> -DFUNCTION=<name> -P embed_file.cmake
# Writes a C++ source defining `std::string_view NAMESPACE::FUNCTION()` that returns the bytes of
# IN. A byte array rather than a raw string literal: any content is safe, whatever it contains.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"// Generated from ${IN} by cmake/embed_file.cmake. Do not edit.
#include <string_view>

namespace ${NAMESPACE} {
namespace {
const unsigned char data[] = {
${bytes}0};
}  // namespace

std::string_view ${FUNCTION}() {
  return std::string_view(reinterpret_cast<const char*>(data), ${size});
}

}  // namespace ${NAMESPACE}
")
# Only touch OUT when it changed, so an unchanged file does not trigger a rebuild.
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
