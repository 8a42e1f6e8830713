#include "forensics/stats.hpp"

#include <algorithm>
#include <cstdio>

#include "forensics/format.hpp"

namespace vw::forensics {

namespace {
constexpr std::string_view no_auth = "(no auth)";
constexpr std::string_view none = "(none)";
}  // namespace

void Stats::bump(Counts& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), 0).first;
  ++it->second;
}

void Stats::add(const audit::AuditEntryView& e, const audit::Classification& c) {
  ++entries_;
  bump(types_, e.type_name);
  ++outcomes_[static_cast<int>(c.outcome)];
  bump(operations_, e.operation.empty() ? none : e.operation);
  bump(mounts_, e.mount_point.empty() ? none : e.mount_point);
  bump(identities_, !e.has_auth ? no_auth : e.display_name.empty() ? std::string_view("(no display_name)")
                                                                    : e.display_name);
  if (e.type == AuditEvent::Type::request) {
    if (c.sensitive != audit::SensitiveKind::none) ++sensitive_[static_cast<int>(c.sensitive)];
    if (c.root_token) {
      ++root_;
      bump(root_operations_, e.operation);
    }
  }
  if (!first_ || e.time < *first_) first_ = e.time;
  if (!last_ || e.time > *last_) last_ = e.time;
}

std::vector<std::pair<std::string, std::uint64_t>> Stats::type_rows() const {
  // request and response always (0 included), then any other type by count.
  std::vector<std::pair<std::string, std::uint64_t>> rows = {{"request", count("type", "request")},
                                                              {"response", count("type", "response")}};
  for (auto& r : top("type", 0))
    if (r.first != "request" && r.first != "response") rows.push_back(std::move(r));
  return rows;
}

const Stats::Counts* Stats::dim(std::string_view name) const {
  if (name == "type") return &types_;
  if (name == "operation") return &operations_;
  if (name == "mount") return &mounts_;
  if (name == "identity") return &identities_;
  if (name == "root_operation") return &root_operations_;
  return nullptr;
}

std::uint64_t Stats::count(std::string_view dimension, std::string_view key) const {
  const Counts* m = dim(dimension);
  if (m == nullptr) return 0;
  auto it = m->find(key);
  return it == m->end() ? 0 : it->second;
}

std::vector<std::pair<std::string, std::uint64_t>> Stats::top(std::string_view dimension,
                                                               std::size_t n) const {
  std::vector<std::pair<std::string, std::uint64_t>> v;
  if (const Counts* m = dim(dimension)) v.assign(m->begin(), m->end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (n != 0 && v.size() > n) v.resize(n);
  return v;
}

void Stats::render_table(std::string& out, std::size_t top_n) const {
  char buf[64];
  auto section = [&](std::string_view title, const std::vector<std::pair<std::string, std::uint64_t>>& rows,
                     std::uint64_t total, std::size_t distinct) {
    out += title;
    if (distinct > rows.size()) {
      std::snprintf(buf, sizeof buf, " (top %zu of %zu)", rows.size(), distinct);
      out += buf;
    }
    out += '\n';
    if (rows.empty()) out += "  -\n";
    std::size_t w = 0;
    for (const auto& r : rows) w = std::max(w, terminal_safe(r.first).size());
    for (const auto& [name, n] : rows) {
      auto safe = terminal_safe(name);
      out += "  ";
      out += safe;
      out.append(w - safe.size() + 2, ' ');
      std::snprintf(buf, sizeof buf, "%12llu", static_cast<unsigned long long>(n));
      out += buf;
      if (total > 0) {
        std::snprintf(buf, sizeof buf, "  %5.1f%%", 100.0 * static_cast<double>(n) / static_cast<double>(total));
        out += buf;
      }
      out += '\n';
    }
    out += '\n';
  };
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(entries_));
  out += "entries     ";
  out += buf;
  out += "\nfirst       ";
  if (first_) append_rfc3339(*first_, out); else out += '-';
  out += "\nlast        ";
  if (last_) append_rfc3339(*last_, out); else out += '-';
  out += "\n\n";

  section("BY TYPE", type_rows(), entries_, types_.size());
  std::vector<std::pair<std::string, std::uint64_t>> outcomes;
  for (auto o : {audit::Outcome::ok, audit::Outcome::error, audit::Outcome::permission_denied})
    outcomes.emplace_back(audit::to_string(o), outcomes_[static_cast<int>(o)]);
  section("BY OUTCOME", outcomes, entries_, 3);
  section("BY OPERATION", top("operation", top_n), entries_, operations_.size());
  section("BY MOUNT", top("mount", top_n), entries_, mounts_.size());
  section("BY IDENTITY (display_name)", top("identity", top_n), entries_, identities_.size());
  std::vector<std::pair<std::string, std::uint64_t>> kinds;
  for (std::size_t k = 1; k < audit::sensitive_kind_count; ++k)
    if (sensitive_[k] > 0) kinds.emplace_back(audit::to_string(static_cast<audit::SensitiveKind>(k)), sensitive_[k]);
  section("SENSITIVE OPERATIONS (request entries)", kinds, 0, kinds.size());
  std::snprintf(buf, sizeof buf, "ROOT TOKEN USES (request entries): %llu, by operation",
                static_cast<unsigned long long>(root_));
  const std::string root_title = buf;
  section(root_title, top("root_operation", 0), root_, root_operations_.size());
}

void Stats::render_json(std::string& out, std::size_t top_n) const {
  auto num = [&](std::uint64_t n) { out += std::to_string(n); };
  auto object = [&](const std::vector<std::pair<std::string, std::uint64_t>>& rows) {
    out += '{';
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i) out += ',';
      append_json_string(rows[i].first, out);
      out += ':';
      num(rows[i].second);
    }
    out += '}';
  };
  out += "{\"entries\":";
  num(entries_);
  out += ",\"first\":";
  if (first_) {
    out += '"';
    append_rfc3339(*first_, out);
    out += '"';
  } else {
    out += "null";
  }
  out += ",\"last\":";
  if (last_) {
    out += '"';
    append_rfc3339(*last_, out);
    out += '"';
  } else {
    out += "null";
  }
  out += ",\"type\":";
  object(type_rows());
  out += ",\"outcome\":";
  std::vector<std::pair<std::string, std::uint64_t>> outcomes;
  for (auto o : {audit::Outcome::ok, audit::Outcome::error, audit::Outcome::permission_denied})
    outcomes.emplace_back(audit::to_string(o), outcomes_[static_cast<int>(o)]);
  object(outcomes);
  out += ",\"operation\":";
  object(top("operation", 0));
  out += ",\"mount\":";
  object(top("mount", 0));
  out += ",\"identity\":";
  object(top("identity", top_n));
  out += ",\"identity_distinct\":";
  num(identities_.size());
  out += ",\"sensitive\":";
  std::vector<std::pair<std::string, std::uint64_t>> kinds;
  for (std::size_t k = 1; k < audit::sensitive_kind_count; ++k)
    kinds.emplace_back(audit::to_string(static_cast<audit::SensitiveKind>(k)), sensitive_[k]);
  object(kinds);
  out += ",\"root_token_uses\":";
  num(root_);
  out += ",\"root_token_uses_by_operation\":";
  object(top("root_operation", 0));
  out += "}\n";
}

}  // namespace vw::forensics
