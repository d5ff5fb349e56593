# Project-wide target helpers: warnings-as-errors and sanitizers apply to our own targets only;
# third-party headers come in as SYSTEM so their warnings never break the build.

if(MULTITIER_SANITIZE)
  add_compile_options(-fsanitize=${MULTITIER_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MULTITIER_SANITIZE})
  # GCC's flow analysis under sanitizer instrumentation reports uninitialised reads inside
  # Boost.Histogram's index arithmetic that the RelWithDebInfo build does not see (a known class
  # of false positives); keep -Werror for everything else.
  add_compile_options(-Wno-maybe-uninitialized)
endif()

add_library(multitier_third_party INTERFACE)
target_include_directories(multitier_third_party SYSTEM INTERFACE
  ${MULTITIER_RAPIDJSON_INCLUDE} ${MULTITIER_HNSWLIB_INCLUDE} ${Boost_INCLUDE_DIRS})
target_compile_definitions(multitier_third_party INTERFACE
  RAPIDJSON_HAS_STDSTRING=1 BOOST_ASIO_NO_DEPRECATED)
add_library(multitier::third_party ALIAS multitier_third_party)

# multitier_defaults(<target>): warnings (as errors unless MULTITIER_WERROR=OFF) for our code.
function(multitier_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    $<$<BOOL:${MULTITIER_WERROR}>:-Werror>)
  target_link_libraries(${target} PRIVATE multitier::third_party)
endfunction()

# multitier_add_gtest(<name> LABELS <labels...> SOURCES <files...> LIBS <libs...> [ENV <k=v...>])
# One test binary, each GTest case registered with CTest and labelled.
function(multitier_add_gtest name)
  cmake_parse_arguments(ARG "" "" "LABELS;SOURCES;LIBS;ENV;PROPERTIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  multitier_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  include(GoogleTest)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${ARG_LABELS}" ENVIRONMENT "${ARG_ENV}" ${ARG_PROPERTIES})
endfunction()
