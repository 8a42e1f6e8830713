# Compiler flags shared by every target of ours, as an interface target.
add_library(vw_options INTERFACE)
add_library(vw::options ALIAS vw_options)
target_compile_options(vw_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(VW_WARNINGS_AS_ERRORS)
  target_compile_options(vw_options INTERFACE -Werror)
endif()
if(VW_SANITIZE)
  target_compile_options(vw_options INTERFACE -fsanitize=${VW_SANITIZE} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(vw_options INTERFACE -fsanitize=${VW_SANITIZE})
  # GCC's instrumentation defeats its own flow analysis (the GCC manual warns sanitizers can
  # cause false positive warnings): with -fsanitize=address it reports -Wmaybe-uninitialized
  # inside libstdc++'s <regex> (std::function moves in _NFA) and -Wmismatched-new-delete on
  # Asio's coroutine frames (awaitable_frame_base's own operator new/delete), which the normal
  # build does not.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(vw_options INTERFACE -Wno-maybe-uninitialized -Wno-mismatched-new-delete)
    # GCC 12 warns that TSan does not model atomic_thread_fence, which Asio's handler
    # invocation uses (std_fenced_block); TSan may then report races that the fence prevents.
    if(VW_SANITIZE MATCHES "thread")
      target_compile_options(vw_options INTERFACE -Wno-tsan)
    endif()
  endif()
endif()

# Include roots: each target sees only the header folders of what it links (issue 12). A folder
# lib/<f> (or daemon/) is exposed through a root of its own, ${PROJECT_BINARY_DIR}/include/<f>/,
# holding one symlink <f> -> the folder, so `#include "config/config.hpp"` compiles only in a
# target that links vw::config (directly or through a PUBLIC dependency); the include strings in
# the sources stay as they are. Two targets built from one folder (rules + rule_manager,
# config + rules_config) share its root. tests/docs/check_layering.py names the allowed
# dependency graph.
#
# vw_expose_folder(<target> <PUBLIC|PRIVATE> <folder path>): adds the folder's root to `target`.
function(vw_expose_folder target scope dir)
  get_filename_component(folder ${dir} NAME)
  set(root ${PROJECT_BINARY_DIR}/include/${folder})
  if(NOT IS_SYMLINK ${root}/${folder})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${dir} ${root}/${folder} SYMBOLIC)
  endif()
  target_include_directories(${target} ${scope} ${root})
endfunction()

# vw_library(<name> SOURCES... ) -> static library vw_<name>, alias vw::<name>, exposing the
# folder of the CMakeLists.txt that calls it (lib/<folder>).
function(vw_library name)
  add_library(vw_${name} STATIC ${ARGN})
  add_library(vw::${name} ALIAS vw_${name})
  vw_expose_folder(vw_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(vw_${name} PUBLIC vw::options)
endfunction()
