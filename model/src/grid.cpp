#include "qsq/grid.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "qsq/csd.hpp"
#include "qsq/schedule.hpp"

namespace qsq {

namespace {

void require_grid(const Shape& s) {
  if (!s.grid()) throw Error("the shape is not a grid (rows = 0): use qsq::ArrayModel for qsq_array");
  if (!s.valid()) throw Error("invalid grid shape");
}

std::uint64_t row_bit(int r) { return std::uint64_t{1} << r; }

}  // namespace

GridModel::GridModel(const Shape& shape, LaneKind lane) : shape_(shape), lane_(lane) {
  require_grid(shape);
  for (int r = 0; r < shape.rows; ++r)
    rows_.push_back(Row{ArrayModel(shape.width, shape.lanes, shape.code_bits, shape.acc_width, lane), {}, {}, {}});
  reset();
}

void GridModel::reset() {
  rows_on_ = 0;
  for (auto& r : rows_) {
    r.model.reset();
    r.digits.assign(static_cast<std::size_t>(shape_.lanes), 0);
    r.acc.assign(static_cast<std::size_t>(shape_.slots), 0);
    r.defined.assign(static_cast<std::size_t>(shape_.slots), false);
  }
}

void GridModel::load(const GridLoad& ld) {
  require_range("grid row", ld.row, 0, shape_.rows - 1);
  if (shape_.rows < 64 && (ld.rows_on >> shape_.rows) != 0) throw Error("rows_on names a row beyond the grid");
  Row& row = rows_[static_cast<std::size_t>(ld.row)];
  row.model.load(ld.weights);
  for (int i = 0; i < shape_.lanes; ++i) {
    const std::int32_t h = row.model.held()[static_cast<std::size_t>(i)];
    // The digits a serial lane steps through: the kept CSD digits (the NAF of the kept value is
    // the kept digits themselves, the NAF being unique); the bound instruments pass +-a in one step.
    const bool bound = lane_ == LaneKind::bound || lane_ == LaneKind::signed_bound;
    row.digits[static_cast<std::size_t>(i)] = bound ? (h != 0) : csd_nonzeros(csd_encode(h));
  }
  rows_on_ = ld.rows_on;
}

int GridModel::kept_digits(int row, int lane) const {
  require_range("grid row", row, 0, shape_.rows - 1);
  require_range("grid lane", lane, 0, shape_.lanes - 1);
  return rows_[static_cast<std::size_t>(row)].digits[static_cast<std::size_t>(lane)];
}

void GridModel::check_beat(const GridBeat& b) const {
  if (static_cast<int>(b.a.size()) != shape_.lanes)
    throw Error("grid beat has " + std::to_string(b.a.size()) + " activations for " + std::to_string(shape_.lanes) +
                " lanes");
  for (auto a : b.a) require_range("activation", a, min_value(shape_.width), max_value(shape_.width));
  require_range("accumulator slot", b.slot, 0, shape_.slots - 1);
  if (!b.first)
    for (int r = 0; r < shape_.rows; ++r)
      if ((rows_on_ & row_bit(r)) && !rows_[static_cast<std::size_t>(r)].defined[static_cast<std::size_t>(b.slot)])
        throw Error("grid beat continues slot " + std::to_string(b.slot) + " of row " + std::to_string(r) +
                    ", which no first beat has started since reset");
}

GridResult GridModel::peek(const GridBeat& b) const {
  check_beat(b);
  GridResult res;
  res.values.assign(static_cast<std::size_t>(shape_.rows), 0);
  res.rows_on = rows_on_;
  for (int r = 0; r < shape_.rows; ++r) {
    if (!(rows_on_ & row_bit(r))) continue;
    const Row& row = rows_[static_cast<std::size_t>(r)];
    const std::int64_t start = b.first ? 0 : row.acc[static_cast<std::size_t>(b.slot)];
    res.values[static_cast<std::size_t>(r)] = dot_result(row.model.held(), DotBeat{b.a, start}, shape_.acc_width);
  }
  return res;
}

std::optional<GridResult> GridModel::beat(const GridBeat& b) {
  GridResult res = peek(b);
  for (int r = 0; r < shape_.rows; ++r) {
    if (!(rows_on_ & row_bit(r))) continue;
    Row& row = rows_[static_cast<std::size_t>(r)];
    row.acc[static_cast<std::size_t>(b.slot)] = res.values[static_cast<std::size_t>(r)];
    // A last beat leaves its slot undefined (the digit-serial rows run their steps through it).
    row.defined[static_cast<std::size_t>(b.slot)] = !b.last;
  }
  if (b.last) return res;
  return std::nullopt;
}

int serial_beat_cycles(const GridModel& g, std::span<const std::int32_t> a) {
  int cycles = 1;
  for (int r = 0; r < g.shape().rows; ++r) {
    if (!(g.rows_on() & row_bit(r))) continue;
    for (int i = 0; i < g.shape().lanes; ++i)
      if (a[static_cast<std::size_t>(i)] != 0) cycles = std::max(cycles, g.kept_digits(r, i));
  }
  return cycles;
}

void for_each_grid_step(const Layer& layer, const Shape& shape, const std::function<void(const GridStep&)>& fn) {
  require_grid(shape);
  // The grid's rows share each beat's activations; depthwise filters read different channels.
  if (!is_mac(layer.kind) || layer.kind == LayerKind::depthwise)
    throw Error("layer '" + layer.name + "': the grid runs conv2d and linear layers only (this is " +
                layer_kind_name(layer.kind) + "; depthwise runs on the one-row array)");
  const int m = shape.rows, s = shape.slots, chunks = num_chunks(layer, shape.lanes);
  const int positions = num_positions(layer);
  const int groups = (layer.out_channels + m - 1) / m, tiles = (positions + s - 1) / s;
  for (int g = 0; g < groups; ++g) {
    const int in_group = std::min(m, layer.out_channels - g * m);
    const std::uint64_t on = in_group >= 64 ? ~std::uint64_t{0} : row_bit(in_group) - 1;
    for (int t = 0; t < tiles; ++t) {
      const int in_tile = std::min(s, positions - t * s);
      for (int j = 0; j < chunks; ++j) {
        const bool first = j == 0, last = j == chunks - 1;
        for (int r = 0; r < in_group; ++r) fn(GridStep{GridStep::Kind::load, g, t, j, r, -1, -1, first, last, on});
        for (int k = 0; k < in_tile; ++k)
          fn(GridStep{GridStep::Kind::beat, g, t, j, -1, t * s + k, k, first, last, on});
      }
    }
  }
}

GridLoad grid_step_load(const Layer& layer, const Shape& shape, const GridStep& s, Quality q) {
  if (s.kind != GridStep::Kind::load) throw Error("grid_step_load: not a load step");
  return GridLoad{s.row, s.rows_on, chunk_load(layer, s.group * shape.rows + s.row, s.chunk, shape.lanes, q)};
}

GridBeat grid_step_beat(const Layer& layer, std::span<const std::int32_t> input, const Shape& shape,
                        const GridStep& s) {
  if (s.kind != GridStep::Kind::beat) throw Error("grid_step_beat: not a beat step");
  GridBeat b;
  b.a.resize(static_cast<std::size_t>(shape.lanes));
  chunk_activations(layer, input, s.position, s.chunk, b.a);
  b.slot = s.slot;
  b.first = s.first;
  b.last = s.last;
  return b;
}

std::uint64_t grid_step_macs(const Layer& layer, const Shape& shape, const GridStep& s) {
  if (s.kind != GridStep::Kind::beat) return 0;
  const int lanes = std::min(shape.lanes, layer.fan_in() - s.chunk * shape.lanes);
  return static_cast<std::uint64_t>(std::popcount(s.rows_on)) * static_cast<std::uint64_t>(std::max(lanes, 0));
}

std::vector<std::int64_t> grid_layer_accumulators(const Layer& layer, std::span<const std::int32_t> input,
                                                  const Shape& shape, Quality q, LaneKind lane, GridCost* cost,
                                                  LaneOrg org) {
  GridModel g(shape, lane);
  const int positions = num_positions(layer);
  std::vector<std::int64_t> acc(static_cast<std::size_t>(layer.out_channels) * positions);
  GridCost c;
  for_each_grid_step(layer, shape, [&](const GridStep& s) {
    if (s.kind == GridStep::Kind::load) {
      g.load(grid_step_load(layer, shape, s, q));
      ++c.loads;
      ++c.cycles;
      return;
    }
    const GridBeat b = grid_step_beat(layer, input, shape, s);
    ++c.beats;
    c.macs += grid_step_macs(layer, shape, s);
    c.slot_macs += static_cast<std::uint64_t>(shape.rows) * shape.lanes;
    c.cycles += org == LaneOrg::serial ? static_cast<std::uint64_t>(serial_beat_cycles(g, b.a)) : 1;
    if (auto r = g.beat(b)) {
      for (int row = 0; row < shape.rows; ++row) {
        const int f = s.group * shape.rows + row;
        if (!(r->rows_on & row_bit(row)) || f >= layer.out_channels) continue;
        acc[static_cast<std::size_t>(f) * positions + s.position] =
            wrap_acc(layer.bias[static_cast<std::size_t>(f)] + r->values[static_cast<std::size_t>(row)], shape.acc_width);
      }
    }
  });
  // The beats' MACs are the layer's: every (filter, position, term) exactly once.
  if (c.macs != static_cast<std::uint64_t>(layer.macs()))
    throw Error("grid schedule of layer " + layer.name + " counts " + std::to_string(c.macs) + " MACs, the layer has " +
                std::to_string(layer.macs()));
  if (cost) *cost = c;
  return acc;
}

}  // namespace qsq
