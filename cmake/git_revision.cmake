# Build step of qsq_flow (flow/CMakeLists.txt): writes OUT from TEMPLATE with the source tree's git
# revision, on every build, so that the JSON header of a rebuilt qsq names the commit it was built
# from (a configure-time revision went stale with every commit). configure_file rewrites OUT only
# when its text changes, so an unchanged revision recompiles nothing.
#   cmake -DSOURCE_DIR=<repo> -DTEMPLATE=version.cpp.in -DOUT=version.cpp -DPROJECT_VERSION=<v> -P git_revision.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE QSQ_GIT_REV OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE QSQ_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT QSQ_GIT_REV)
  set(QSQ_GIT_REV "unknown")
elseif(QSQ_GIT_DIRTY)
  set(QSQ_GIT_REV "${QSQ_GIT_REV}-dirty")
endif()
configure_file("${TEMPLATE}" "${OUT}" @ONLY)
