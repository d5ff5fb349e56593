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

# multitier_add_gtest(<name> LABELS <labels...> SOURCES <files...> LIBS <libs...>
#                     [ENV <NAME=value>] [PROPERTIES <test properties...>] [ONE_TEST])
# One test binary. Each GTest case becomes a CTest test, labelled, with the given properties;
# with ONE_TEST the binary is a single CTest test instead. gtest_discover_tests (CMake 3.25)
# cannot carry list values, so a binary with several labels must be ONE_TEST.
function(multitier_add_gtest name)
  cmake_parse_arguments(ARG "ONE_TEST" "" "LABELS;SOURCES;LIBS;ENV;PROPERTIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  multitier_defaults(${name})
  # Test-local headers ("tests/unit/scripted_server.h") resolve from the repository root; the
  # code under test comes in through its libraries' own include roots.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  if(ARG_ONE_TEST)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" ${ARG_PROPERTIES})
    if(ARG_ENV)
      set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENV}")
    endif()
    return()
  endif()
  set(properties LABELS "${ARG_LABELS}")
  if(ARG_ENV)  # an empty value would vanish from the list and shift the properties after it
    list(APPEND properties ENVIRONMENT "${ARG_ENV}")
  endif()
  list(LENGTH ARG_LABELS label_count)
  if(label_count GREATER 1)
    message(FATAL_ERROR "multitier_add_gtest(${name}): several labels need ONE_TEST")
  endif()
  include(GoogleTest)
  # Every parameterized suite here names its cases, so CTest names need no "# GetParam()" part.
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST NO_PRETTY_VALUES
    PROPERTIES ${properties} ${ARG_PROPERTIES})
endfunction()

# multitier_layer(<name> SOURCES <files...> LINKS <targets...>)
# One layer of the harness in support/<layer>: a static library multitier_<name> (alias
# multitier::<name>) whose only include root is the folder's include/ (headers are included as
# "multitier/<layer>/x.h"; <name> is <layer> but for a folder's second library, as
# multitier_client in support/contract). It links the layers below it PUBLIC, so their headers are on its
# include path and on that of whatever links it; the headers of a layer above are on no include
# path of a lower one, so an upward include fails to compile.
function(multitier_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  add_library(multitier_${name} STATIC ${ARG_SOURCES})
  add_library(multitier::${name} ALIAS multitier_${name})
  target_include_directories(multitier_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  multitier_defaults(multitier_${name})
  target_link_libraries(multitier_${name} PUBLIC multitier::third_party ${ARG_LINKS})
endfunction()
