#pragma once
// Reads YAML into plain structs while collecting every problem with its position and path.
// Internal to lib/config (the only target that includes yaml-cpp); rule and web-config loaders
// in this folder use it too.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/env.hpp"
#include "core/duration.hpp"

namespace vw::config {


/// Where diagnostics go, plus the file name and environment used for ${ENV} expansion. An empty
/// EnvLookup turns expansion off (the exporter-toolkit web config is read verbatim, as the Go
/// exporters read it).
class Context {
 public:
  Context(std::string file, Diagnostics& out, EnvLookup env)
      : file_(std::move(file)), out_(out), env_(std::move(env)) {}

  void error(const YAML::Node& at, const std::string& path, std::string message);
  void error(const YAML::Mark& at, const std::string& path, std::string message);
  /// Expands ${NAME} and ${NAME:-default} once (no recursion, so no cycles). An unset variable
  /// without a default is an error; nullopt then.
  std::optional<std::string> expand(const YAML::Node& at, const std::string& path,
                                    std::string_view text);
  const EnvLookup& env() const { return env_; }
  const std::string& file() const { return file_; }
  std::size_t error_count() const { return out_.size(); }
  /// Where this context's problems go (shared with contexts for other files).
  Diagnostics* diagnostics() { return &out_; }

 private:
  std::string file_;
  Diagnostics& out_;
  EnvLookup env_;
};

/// A YAML mapping being read. Each getter declares a key as known and, when the key is present
/// and valid, stores its value; an invalid value is reported and leaves `out` unchanged. A null
/// value (`key:`) counts as absent. finish() reports keys nobody asked for ("unknown key").
class MapReader {
 public:
  MapReader(Context& ctx, const YAML::Node& node, std::string path);
  ~MapReader() { finish(); }
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool present(std::string_view key);  // declares the key too
  bool str(std::string_view key, std::string& out);
  bool boolean(std::string_view key, bool& out);
  bool duration(std::string_view key, Duration& out);
  bool size(std::string_view key, std::uint64_t& out);
  bool count(std::string_view key, std::size_t& out, std::size_t min = 0,
             std::size_t max = SIZE_MAX);
  bool number(std::string_view key, double& out);
  bool str_list(std::string_view key, std::vector<std::string>& out);
  bool str_map(std::string_view key, std::map<std::string, std::string>& out);
  /// Calls f with a reader for the nested mapping.
  bool map(std::string_view key, const std::function<void(MapReader&)>& f);
  /// Calls f(item, item_path) for each element of a sequence.
  bool list(std::string_view key,
            const std::function<void(const YAML::Node&, const std::string&)>& f);
  /// The value node (declares the key); when absent, this mapping's own node, so that an error
  /// about a missing key points at its parent.
  YAML::Node node(std::string_view key);

  std::string path_of(std::string_view key) const;
  const YAML::Node& self() const { return node_; }
  Context& ctx() { return ctx_; }
  void finish();

  /// Reads a scalar node as a string with ${ENV} expansion (for list items and the like).
  static std::optional<std::string> scalar(Context& ctx, const YAML::Node& n,
                                           const std::string& path);

 private:
  std::optional<YAML::Node> value(std::string_view key);  // declares; nullopt when absent/null
  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  bool is_map_ = false;  // (yaml-cpp Node assignment aliases, so node_ is never reassigned)
  bool finished_ = false;
};

}  // namespace vw::config
