// Description: the one way qsq publishes a file or a cache entry. Everything is built under a
// temporary name in the target's own directory and renamed into place only when complete, so a
// reader (or a later run after SIGINT, SIGTERM, a full disk or a crash) sees either the old
// result or the whole new one, never a half-written file that it would trust. Temporary names
// start with '.' and contain ".tmp.", and nothing in qsq ever trusts such a name.
// Usage:
//   qsq::flow::write_file_atomic("out/report.json", text);
//   fs::path dir = qsq::flow::cached_dir(work / "cache" / ("asic-" + key), [&](const fs::path& tmp) {
//     run_tool(...writes into tmp...);            // a kill here leaves only the temporary directory
//   });                                           // returns the published entry (built or reused)
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace qsq::flow {

namespace fs = std::filesystem;

// Writes `content` to `path`: temporary sibling, fsync, rename, fsync of the directory. Creates
// missing parent directories unless told not to. Throws qsq::Error naming the path; the old file
// is then untouched and no temporary file is left.
enum class ParentDirs { create, must_exist };
void write_file_atomic(const fs::path& path, std::string_view content, ParentDirs dirs = ParentDirs::create);

// The whole file; throws qsq::Error("cannot read PATH: reason").
std::string read_file(const fs::path& path);

// A fresh temporary name next to `target` (".NAME.tmp.HOST.PID.N"), unique across the machines
// that share a file system (cluster nodes writing one cache).
fs::path temp_sibling(const fs::path& target);
bool is_temp_name(const fs::path& p);

// A cache entry that is a directory. If `entry` exists it is complete (only whole entries are
// ever renamed into place) and is returned as it is. Otherwise `build` fills a fresh temporary
// sibling directory, which is then renamed to `entry`; when another process published the same
// entry meanwhile, that one is kept and this one discarded. If `build` throws, the temporary
// directory is removed and the exception passes on. `built` (optional) says which case happened.
fs::path cached_dir(const fs::path& entry, const std::function<void(const fs::path& tmp)>& build,
                    bool* built = nullptr);

// Renames a finished file or directory `tmp` to `target` (replacing a file, keeping an existing
// directory: see cached_dir). Throws qsq::Error.
void publish(const fs::path& tmp, const fs::path& target);

}  // namespace qsq::flow
