// Description: the extension module _qsq: registers the exceptions (qsq::Error and its kinds keep
// their one-line messages) and every part's functions. python/qsq/__init__.py is the public API.
// Usage: import qsq   (PYTHONPATH=build/python)
#include "bindings.hpp"
#include "qsq/container.hpp"
#include "qsq/net/idx.hpp"
#include "qsq/net/npy.hpp"

PYBIND11_MODULE(_qsq, m) {
  m.doc() = "qsq: quality scalable quantization (golden model, .qsq container, integer evaluation, N-lane schedule)";
  // Base first: pybind11 tries the translators registered last first, so the kinds win.
  auto error = pybind11::register_exception<qsq::Error>(m, "Error", PyExc_ValueError);
  pybind11::register_exception<qsq::FormatError>(m, "FormatError", error.ptr());
  pybind11::register_exception<qsq::net::NpyError>(m, "DataError", error.ptr());
  pybind11::register_exception<qsq::net::IdxError>(m, "IdxError", error.ptr());
  qsq::py::bind_model(m);
  qsq::py::bind_container(m);
  qsq::py::bind_net(m);
  qsq::py::bind_schedule(m);
#ifdef QSQ_PY_TORCH
  m.attr("has_torch") = true;
#else
  m.attr("has_torch") = false;
#endif
}
