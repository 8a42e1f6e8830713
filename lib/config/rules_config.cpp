#include "config/rules_config.hpp"

#include <glob.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "config/builtin_rules.hpp"
#include "config/rules_reader.hpp"
#include "config/yaml_reader.hpp"

namespace vw::config {

namespace {

// The rules in force: the built-in set (unless `builtin_rules` turns it, or some of its rules,
// off), then inline `rules:`, then each `rules_files` pattern in order (globs relative to the
// config file's directory). A rule of yours with a built-in rule's name replaces the built-in
// one (so a copy of config/rules.yaml edited in rules.d keeps working); two of yours with one
// name are an error. The entry `builtin` in rules_files is accepted for older configs (the set
// is on anyway).
void read_rules(MapReader& top, const std::string& file, const Config& c, ConfigWithRules& out) {
  auto& ctx = top.ctx();
  WorkingHoursRef hours;
  if (!c.behaviour.working_hours.empty()) {
    // Checked (with its position) by config's read_behaviour; an error there leaves the hours unset.
    if (auto s = WeeklySchedule::parse(c.behaviour.working_hours)) hours.hours = std::move(*s);
  }
  RuleSetReader reader(c.notify.external_labels, hours);
  // The set of one source: the rules it added to `reader` after `before`, less the inactive.
  auto own_set = [&](std::string source, std::size_t before, std::size_t inactive_before) {
    RuleSet set{std::move(source), reader.rules().size() - before};
    set.inactive.assign(reader.inactive().begin() + static_cast<std::ptrdiff_t>(inactive_before),
                        reader.inactive().end());
    set.rules -= set.inactive.size();
    return set;
  };
  std::vector<RuleSet> sets;
  if (top.present("rules")) {
    auto n = top.node("rules");
    reader.read_list(ctx, n, "rules");
    if (n.IsSequence() && n.size() > 0)
      sets.push_back(own_set(file.empty() ? "<config>" : file, 0, 0));
  }
  const auto base = file.empty() ? std::filesystem::path() : std::filesystem::path(file).parent_path();
  auto files_node = top.node("rules_files");
  for (std::size_t i = 0; i < c.rules_files.size(); ++i) {
    const std::string& pattern = c.rules_files[i];
    const std::string at = "rules_files[" + std::to_string(i) + "]";
    const YAML::Node pos = files_node.IsSequence() && i < files_node.size() ? files_node[i] : files_node;
    if (pattern == "builtin") {
      if (!c.builtin_rules.enabled)
        ctx.error(pos, at, "lists builtin, but builtin_rules.enabled is false");
      continue;
    }
    std::filesystem::path p(pattern);
    if (p.is_relative() && !base.empty()) p = base / p;
    std::vector<std::string> matched;
    if (pattern.find_first_of("*?[") == std::string::npos) {
      std::error_code ec;
      if (!std::filesystem::exists(p, ec)) {
        ctx.error(pos, at, "no such file: " + p.string());
        continue;
      }
      matched.push_back(p.string());
    } else {
      // A directory that does not exist matches nothing (the default rules.d is optional);
      // one that cannot be read is a problem worth reporting.
      static thread_local std::string glob_problem;
      glob_problem.clear();
      glob_t g{};
      int rc = ::glob(p.c_str(), 0,
                      [](const char* epath, int eerrno) {
                        if (eerrno != ENOENT && eerrno != ENOTDIR && glob_problem.empty())
                          glob_problem = std::string(epath) + ": " + std::strerror(eerrno);
                        return 0;
                      },
                      &g);
      if (rc == 0)
        for (std::size_t k = 0; k < g.gl_pathc; ++k) matched.emplace_back(g.gl_pathv[k]);
      globfree(&g);
      if (!glob_problem.empty())
        ctx.error(pos, at, "cannot expand \"" + p.string() + "\": " + glob_problem);
    }
    for (const auto& f : matched) {
      std::string why;
      auto text = read_config_text(f, why);
      if (!text) {
        ctx.error(pos, at, f + ": " + why);
        continue;
      }
      Context fctx(f, *ctx.diagnostics(), ctx.env());
      const auto before = reader.rules().size();
      const auto inactive_before = reader.inactive().size();
      reader.read_document(fctx, *text);
      sets.push_back(own_set(f, before, inactive_before));
    }
  }

  // The built-in set, read on its own (its names may be reused by yours).
  RuleSetReader builtin_reader(c.notify.external_labels, hours);
  Context bctx(std::string(builtin_rules_name), *ctx.diagnostics(), ctx.env());
  builtin_reader.read_document(bctx, builtin_rules_yaml());
  const auto& builtin = builtin_reader.rules();
  std::string names;
  for (const auto& r : builtin) names += (names.empty() ? "" : ", ") + r.alert;
  const YAML::Node bnode = top.node("builtin_rules");
  const YAML::Node dnode = bnode.IsMap() ? YAML::Node(bnode["disable"]) : bnode;
  const auto& disable = c.builtin_rules.disable;
  for (std::size_t i = 0; i < disable.size(); ++i) {
    const bool known = std::any_of(builtin.begin(), builtin.end(),
                                   [&](const rules::Rule& r) { return r.alert == disable[i]; });
    if (!known)
      ctx.error(dnode.IsSequence() && i < dnode.size() ? dnode[i] : dnode,
                "builtin_rules.disable[" + std::to_string(i) + "]",
                "no built-in rule named \"" + disable[i] + "\" (built-in rules: " + names + ")");
  }
  RuleSet bset{"<built-in>"};
  bset.enabled = c.builtin_rules.enabled;
  std::vector<rules::Rule> in_force;
  if (bset.enabled) {
    for (const auto& r : builtin) {
      auto same = [&](const rules::Rule& x) { return x.alert == r.alert; };
      if (std::find(disable.begin(), disable.end(), r.alert) != disable.end())
        bset.disabled.push_back(r.alert);
      else if (std::any_of(reader.rules().begin(), reader.rules().end(), same))
        bset.replaced.push_back(r.alert);
      else if (std::count(builtin_reader.inactive().begin(), builtin_reader.inactive().end(), r.alert))
        bset.inactive.push_back(r.alert);
      else
        in_force.push_back(r);
    }
  }
  bset.rules = in_force.size();
  sets.insert(sets.begin(), std::move(bset));
  const auto& inactive = reader.inactive();
  for (auto& r : reader.rules())
    if (std::find(inactive.begin(), inactive.end(), r.alert) == inactive.end()) in_force.push_back(std::move(r));
  out.rules = std::move(in_force);
  out.rule_sets = std::move(sets);
}

// Runs one of lib/config's loaders with the rules as its ExtraReader.
template <class Load>
FullLoadResult with_rules(Load load) {
  FullLoadResult out;
  auto base = load([&](MapReader& top, const std::string& file, const Config& c) {
    read_rules(top, file, c, out.config);
  });
  static_cast<Config&>(out.config) = std::move(base.config);
  out.diagnostics = std::move(base.diagnostics);
  return out;
}

}  // namespace

FullLoadResult defaults_with_rules(const EnvLookup& env) {
  return with_rules([&](const ExtraReader& r) { return defaults(env, r); });
}

FullLoadResult load_file_with_rules(const std::string& path, const EnvLookup& env) {
  return with_rules([&](const ExtraReader& r) { return load_file(path, env, r); });
}

FullLoadResult load_string_with_rules(std::string_view yaml, const std::string& file_name, const EnvLookup& env) {
  return with_rules([&](const ExtraReader& r) { return load_string(yaml, file_name, env, r); });
}

}  // namespace vw::config
