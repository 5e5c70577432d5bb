// Description: shared pieces of the Python bindings (module _qsq, wrapped by python/qsq/__init__.py):
// NumPy <-> std::vector conversions, the network <-> dict conversion, and the registration
// function of each part. NumPy in, NumPy out: arrays are copied in C order with their dtype
// forced, so callers may pass any array-like.
// Usage: internal to python/src (module.cpp calls every bind_*).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "qsq/network.hpp"

namespace qsq::py {

namespace pyb = pybind11;

template <class T>
using Array = pyb::array_t<T, pyb::array::c_style | pyb::array::forcecast>;

template <class T>
std::vector<T> to_vector(const Array<T>& a) {
  return std::vector<T>(a.data(), a.data() + a.size());
}

template <class T>
Array<T> to_array(const std::vector<T>& v, std::vector<pyb::ssize_t> shape) {
  Array<T> out(shape);
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

std::vector<pyb::ssize_t> shape_of(const pyb::array& a);

// A network as the Python side holds it: a dict with the header fields and a list of layer
// dicts whose weights are NumPy arrays (python/qsq/__init__.py turns them into dataclasses).
pyb::dict network_to_dict(const Network& net);
Network network_from_dict(const pyb::dict& d);  // validates; throws qsq::Error
pyb::dict layer_to_dict(const Layer& l);
Layer layer_from_dict(const pyb::dict& d);

void bind_model(pyb::module_& m);
void bind_container(pyb::module_& m);
void bind_net(pyb::module_& m);
void bind_schedule(pyb::module_& m);

}  // namespace qsq::py
