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

# vw_library(<name> SOURCES... ) -> static library vw_<name>, alias vw::<name>, include root lib/.
function(vw_library name)
  add_library(vw_${name} STATIC ${ARGN})
  add_library(vw::${name} ALIAS vw_${name})
  target_include_directories(vw_${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
  target_link_libraries(vw_${name} PUBLIC vw::options)
endfunction()
