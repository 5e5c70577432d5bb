# Code units: named sets of qsq's source files whose hashes go into the flow's cache keys, so that a
# cached result is recomputed exactly when the code that produces it changed (docs/architecture.md).
#
#   qsq_code_unit(<name> PATHS <files or folders, relative to the current source dir>... [USES <units>...])
#
# A unit's hash covers its own files (names relative to the repository and contents) and the hashes
# of the units it USES. The hashes are computed at build time (cmake/hash_code_units.cmake) from the
# very files that are compiled, into the qsq_code_units library; qsq_code_units_finalize() at the
# end of the top-level CMakeLists.txt defines it once every unit is declared.

function(qsq_code_unit name)
  cmake_parse_arguments(U "" "" "PATHS;USES" ${ARGN})
  set(files)
  foreach(p IN LISTS U_PATHS)
    get_filename_component(abs "${p}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(IS_DIRECTORY "${abs}")
      file(GLOB_RECURSE found CONFIGURE_DEPENDS LIST_DIRECTORIES false "${abs}/*")
      list(APPEND files ${found})
    elseif(EXISTS "${abs}")
      list(APPEND files "${abs}")
    else()
      message(FATAL_ERROR "qsq_code_unit(${name}): ${p} does not exist")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES files)
  list(SORT files)
  get_property(known GLOBAL PROPERTY QSQ_CODE_UNITS)
  if(name IN_LIST known)
    message(FATAL_ERROR "qsq_code_unit(${name}) is declared twice")
  endif()
  set_property(GLOBAL APPEND PROPERTY QSQ_CODE_UNITS ${name})
  set_property(GLOBAL PROPERTY QSQ_CODE_UNIT_FILES_${name} "${files}")
  set_property(GLOBAL PROPERTY QSQ_CODE_UNIT_USES_${name} "${U_USES}")
endfunction()

function(qsq_code_units_finalize)
  get_property(units GLOBAL PROPERTY QSQ_CODE_UNITS)
  set(manifest "${CMAKE_BINARY_DIR}/code_units/units.cmake")
  set(content "set(QSQ_ROOT \"${PROJECT_SOURCE_DIR}\")\nset(QSQ_UNITS \"${units}\")\n")
  set(all_files)
  foreach(u IN LISTS units)
    get_property(files GLOBAL PROPERTY QSQ_CODE_UNIT_FILES_${u})
    get_property(uses GLOBAL PROPERTY QSQ_CODE_UNIT_USES_${u})
    foreach(x IN LISTS uses)
      if(NOT x IN_LIST units)
        message(FATAL_ERROR "code unit ${u} uses unknown unit ${x}")
      endif()
    endforeach()
    string(APPEND content "set(QSQ_UNIT_FILES_${u} \"${files}\")\nset(QSQ_UNIT_USES_${u} \"${uses}\")\n")
    list(APPEND all_files ${files})
  endforeach()
  file(CONFIGURE OUTPUT "${manifest}" CONTENT "${content}" @ONLY)
  set(out "${CMAKE_BINARY_DIR}/code_units/code_units.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/hash_code_units.cmake
    DEPENDS ${all_files} "${manifest}" ${PROJECT_SOURCE_DIR}/cmake/hash_code_units.cmake
    COMMENT "Hashing qsq's code units for the flow cache keys"
    VERBATIM)
  add_library(qsq_code_units STATIC "${out}")
  target_compile_features(qsq_code_units PRIVATE cxx_std_20)
endfunction()
