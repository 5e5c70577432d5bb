// generated from config/params.json by cmake/gen_params.cmake: do not edit
//
// Description: the older name of qsq/contract.hpp (presets, defaults and limits); new code
// includes qsq/contract.hpp.
#pragma once
#include "qsq/contract.hpp"
