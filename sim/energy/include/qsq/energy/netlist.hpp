// Description: a flat gate-level netlist as Yosys writes it (`write_verilog -noattr -noexpr` after
// flattening and splitnets): ports, single-bit nets and cell instances with named pin connections.
// Simple `assign` aliases are merged into one net; constants become the nets "1'b0" / "1'b1".
// Net names are bit-level: a vector port bit is "a_i[3]", the escaped wire \a_q[3] is "a_q[3]".
// Usage:
//   qsq::energy::Netlist n = qsq::energy::read_netlist("out/work/energy/qsq_array.v");
//   for (const auto& inst : n.instances) { ... inst.cell, inst.pins[k].first, n.net_names[inst.pins[k].second] }
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qsq::energy {

struct Port {
  std::string name;
  enum class Dir { input, output, inout } dir = Dir::input;
  int msb = 0, lsb = 0;  // [msb:lsb]; a scalar has msb == lsb == 0 and vector == false
  bool vector = false;
  int width() const { return (msb > lsb ? msb - lsb : lsb - msb) + 1; }
};

struct Instance {
  std::string name;
  std::string cell;
  std::vector<std::pair<std::string, int>> pins;  // pin name -> net id
};

struct Netlist {
  std::string module;
  std::vector<Port> ports;
  std::vector<std::string> net_names;  // id -> canonical bit name (of the net's representative)
  std::vector<Instance> instances;
  std::map<std::string, int> net_ids;  // every bit name (aliases included) -> id
  int const0 = -1, const1 = -1;        // ids of the constant nets (-1 if unused)

  int find_net(const std::string& bit_name) const;  // -1 if unknown
  bool is_const(int net) const { return net == const0 || net == const1; }
};

Netlist parse_netlist(const std::string& text, const std::string& path_for_errors);
Netlist read_netlist(const std::string& path);  // throws qsq::Error naming file and line

}  // namespace qsq::energy
