#include "config/yaml_reader.hpp"

#include <charconv>
#include <cstdlib>

namespace vw::config {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

void Context::error(const YAML::Mark& at, const std::string& path, std::string message) {
  Diagnostic d;
  d.file = file_;
  if (!at.is_null()) {
    d.line = at.line + 1;
    d.column = at.column + 1;
  }
  d.path = path;
  d.message = std::move(message);
  out_.push_back(std::move(d));
}

void Context::error(const YAML::Node& at, const std::string& path, std::string message) {
  error(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), path, std::move(message));
}

std::optional<std::string> Context::expand(const YAML::Node& at, const std::string& path,
                                           std::string_view text) {
  if (!env_) return std::string(text);  // expansion off (see the header)
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  bool ok = true;
  while (i < text.size()) {
    auto open = text.find("${", i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    auto close = text.find('}', open + 2);
    if (close == std::string_view::npos) {
      error(at, path, "unterminated ${ in \"" + std::string(text) + "\"");
      return std::nullopt;
    }
    std::string_view inner = text.substr(open + 2, close - open - 2);
    std::string_view name = inner;
    std::optional<std::string_view> fallback;
    if (auto d = inner.find(":-"); d != std::string_view::npos) {
      name = inner.substr(0, d);
      fallback = inner.substr(d + 2);
    }
    bool valid_name = !name.empty();
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) valid_name = false;
    if (!valid_name) {
      error(at, path, "bad environment variable reference ${" + std::string(inner) + "}");
      return std::nullopt;
    }
    auto v = env_(std::string(name));
    if (v && !v->empty()) {
      out += *v;
    } else if (fallback) {
      out.append(*fallback);
    } else if (v) {
      // set but empty: expands to ""
    } else {
      error(at, path, "environment variable " + std::string(name) + " is not set");
      ok = false;
    }
    i = close + 1;
  }
  if (!ok) return std::nullopt;
  return out;
}

MapReader::MapReader(Context& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    ctx_.error(node_, path_, "must be a mapping");
    is_map_ = false;
  } else {
    is_map_ = node_.IsDefined() && node_.IsMap();
  }
}

std::string MapReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<YAML::Node> MapReader::value(std::string_view key) {
  known_.emplace(key);
  if (!is_map_) return std::nullopt;
  // Linear scan (not operator[]) so a non-string key never throws.
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      if (it->second.IsNull()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

YAML::Node MapReader::node(std::string_view key) {
  auto v = value(key);
  return v ? *v : node_;
}

bool MapReader::present(std::string_view key) { return value(key).has_value(); }

namespace {

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). yaml-cpp passes bytes
// through unchecked, and a config value ends up in label values, alert payloads and /metrics,
// where invalid UTF-8 makes Prometheus reject the whole scrape. A dozen lines do not justify
// linking simdjson into the config library.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace

std::optional<std::string> MapReader::scalar(Context& ctx, const YAML::Node& n,
                                             const std::string& path) {
  if (!n.IsScalar()) {
    ctx.error(n, path, "must be a single value, not a list or mapping");
    return std::nullopt;
  }
  auto v = ctx.expand(n, path, n.Scalar());
  if (v && !valid_utf8(*v)) {
    ctx.error(n, path, "is not valid UTF-8");
    return std::nullopt;
  }
  if (v && v->find('\0') != std::string::npos) {
    ctx.error(n, path, "contains a NUL character");
    return std::nullopt;
  }
  return v;
}

bool MapReader::str(std::string_view key, std::string& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  out = std::move(*s);
  return true;
}

bool MapReader::boolean(std::string_view key, bool& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  if (*s == "true" || *s == "True" || *s == "TRUE") out = true;
  else if (*s == "false" || *s == "False" || *s == "FALSE") out = false;
  else {
    ctx_.error(n, path_of(key), "must be true or false, got \"" + *s + "\"");
    return false;
  }
  return true;
}

bool MapReader::duration(std::string_view key, Duration& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  auto d = parse_duration(*s);
  if (!d) {
    ctx_.error(n, path_of(key), d.error().message);
    return false;
  }
  out = *d;
  return true;
}

bool MapReader::size(std::string_view key, std::uint64_t& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  auto v = parse_size(*s);
  if (!v) {
    ctx_.error(n, path_of(key), v.error().message);
    return false;
  }
  out = *v;
  return true;
}

bool MapReader::count(std::string_view key, std::size_t& out, std::size_t min, std::size_t max) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size()) {
    ctx_.error(n, path_of(key), "must be a whole number, got \"" + *s + "\"");
    return false;
  }
  if (v < min || v > max) {
    ctx_.error(n, path_of(key),
               "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  out = v;
  return true;
}

bool MapReader::number(std::string_view key, double& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  auto s = scalar(ctx_, n, path_of(key));
  if (!s) return false;
  char* end = nullptr;
  double v = std::strtod(s->c_str(), &end);
  if (s->empty() || end != s->c_str() + s->size()) {
    ctx_.error(n, path_of(key), "must be a number, got \"" + *s + "\"");
    return false;
  }
  out = v;
  return true;
}

bool MapReader::str_list(std::string_view key, std::vector<std::string>& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  const auto p = path_of(key);
  if (n.IsScalar()) {
    // A single string where a list is expected is accepted as a one-element list.
    auto s = scalar(ctx_, n, p);
    if (!s) return false;
    out = {std::move(*s)};
    return true;
  }
  if (!n.IsSequence()) {
    ctx_.error(n, p, "must be a list of strings");
    return false;
  }
  std::vector<std::string> v;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto s = scalar(ctx_, n[i], p + "[" + std::to_string(i) + "]");
    if (s) v.push_back(std::move(*s));
    else ok = false;
  }
  if (ok) out = std::move(v);
  return ok;
}

bool MapReader::str_map(std::string_view key, std::map<std::string, std::string>& out) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  const auto p = path_of(key);
  if (!n.IsMap()) {
    ctx_.error(n, p, "must be a mapping of strings");
    return false;
  }
  std::map<std::string, std::string> m;
  bool ok = true;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) {
      ctx_.error(it->first, p, "keys must be strings");
      ok = false;
      continue;
    }
    const std::string k = it->first.Scalar();
    auto s = scalar(ctx_, it->second, p + "." + k);
    if (!s) {
      ok = false;
      continue;
    }
    if (!m.emplace(k, std::move(*s)).second) {
      ctx_.error(it->first, p + "." + k, "duplicate key");
      ok = false;
    }
  }
  if (ok) out = std::move(m);
  return ok;
}

bool MapReader::map(std::string_view key, const std::function<void(MapReader&)>& f) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  MapReader sub(ctx_, n, path_of(key));
  f(sub);
  return true;
}

bool MapReader::list(std::string_view key,
                     const std::function<void(const YAML::Node&, const std::string&)>& f) {
  auto found = value(key);
  if (!found) return false;
  const YAML::Node& n = *found;
  const auto p = path_of(key);
  if (!n.IsSequence()) {
    ctx_.error(n, p, "must be a list");
    return false;
  }
  for (std::size_t i = 0; i < n.size(); ++i) f(n[i], p + "[" + std::to_string(i) + "]");
  return true;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!is_map_) return;
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) {
      ctx_.error(it->first, path_, "keys must be strings");
      continue;
    }
    const std::string& k = it->first.Scalar();
    if (!seen.insert(k).second) {
      ctx_.error(it->first, path_of(k), "duplicate key");
      continue;
    }
    if (known_.count(k)) continue;
    std::string msg = "unknown key";
    std::size_t best = 3;
    std::string suggestion;
    for (const auto& cand : known_) {
      auto d = edit_distance(k, cand);
      if (d < best) {
        best = d;
        suggestion = cand;
      }
    }
    if (!suggestion.empty()) msg += " (did you mean \"" + suggestion + "\"?)";
    ctx_.error(it->first, path_of(k), msg);
  }
}

}  // namespace vw::config
