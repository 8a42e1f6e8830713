#include "config/rules_reader.hpp"

#include <cstdlib>

namespace vw::config {

namespace {

using rules::AuditCond;
using rules::AuditMatch;
using rules::Condition;
using rules::HealthCond;
using rules::HealthCondition;

const char* const condition_keys[] = {"health", "metric", "audit", "audit_silent", "secret_age",
                                      "token_ttl", "rotation", "new_value", "baseline_rate"};

bool has_key(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return false;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return true;
  return false;
}

YAML::Node raw(const YAML::Node& map, std::string_view key) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node();
}

std::string idx(const std::string& p, std::size_t i) { return p + "[" + std::to_string(i) + "]"; }

// Element i of a list value (a single scalar stands for a one-element list).
YAML::Node item(const YAML::Node& n, std::size_t i) { return n.IsSequence() ? n[i] : n; }

void read_globs(MapReader& r, std::string_view key, std::vector<Glob>& out) {
  std::vector<std::string> v;
  if (!r.str_list(key, v)) return;
  auto n = r.node(key);
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto g = Glob::compile(v[i]);
    if (!g) r.ctx().error(item(n, i), idx(r.path_of(key), i), g.error().message);
    else out.push_back(std::move(*g));
  }
}

// `outside:` a schedule ("Mon-Fri 07:00-19:00 Europe/Berlin"), or `working_hours` for the
// config's behaviour.working_hours (so rules need not repeat the team's hours).
void read_outside(MapReader& r, AuditMatch& m, WorkingHoursRef* wh) {
  std::string text;
  if (!r.str("outside", text)) return;
  if (text == "working_hours") {
    if (wh && wh->hours) m.outside = wh->hours;
    else if (wh) wh->used_unset = true;
    else  // not reachable from a rule: every audit filter is read with the reference
      r.ctx().error(r.node("outside"), r.path_of("outside"), "working_hours cannot be used here");
    return;
  }
  auto s = WeeklySchedule::parse(text);
  if (!s) r.ctx().error(r.node("outside"), r.path_of("outside"), s.error().message);
  else m.outside = std::move(*s);
}

void read_match(MapReader& r, AuditMatch& m, WorkingHoursRef* wh = nullptr) {
  auto& ctx = r.ctx();
  read_outside(r, m, wh);
  std::vector<std::string> types;
  if (r.str_list("type", types)) {
    auto n = r.node("type");
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i] == "request") m.types.push_back(AuditEvent::Type::request);
      else if (types[i] == "response") m.types.push_back(AuditEvent::Type::response);
      else ctx.error(item(n, i), idx(r.path_of("type"), i), "must be request or response");
    }
  }
  read_globs(r, "path", m.paths);
  r.str_list("operation", m.operations);
  r.str_list("policy", m.policies);
  r.str_list("error", m.errors);
  read_globs(r, "display_name", m.display_names);
  r.str_list("mount_type", m.mount_types);
  std::vector<std::string> remotes;
  if (r.str_list("remote", remotes)) {
    auto n = r.node("remote");
    for (std::size_t i = 0; i < remotes.size(); ++i) {
      auto c = rules::Cidr::parse(remotes[i]);
      if (!c) ctx.error(item(n, i), idx(r.path_of("remote"), i), c.error().message);
      else m.remotes.push_back(std::move(*c));
    }
  }
  r.str_list("namespace", m.namespaces);
  static const char* const known_ops[] = {"create", "read", "update", "patch", "delete",
                                          "list", "help", "alias-lookahead", "resolve-role",
                                          "header", "rollback", "renew", "revoke"};
  if (!m.operations.empty()) {
    auto n = r.node("operation");
    for (std::size_t i = 0; i < m.operations.size(); ++i) {
      bool ok = false;
      for (const char* o : known_ops) ok = ok || m.operations[i] == o;
      if (!ok)
        ctx.error(item(n, i), idx(r.path_of("operation"), i),
                  "unknown operation \"" + m.operations[i] +
                      "\" (Vault logs create, read, update, patch, delete, list, ...)");
    }
  }
}

std::optional<HealthCond> read_health(Context& ctx, const YAML::Node& n, const std::string& p) {
  const std::string names =
      "unreachable, uninitialized, sealed, standby, performance_standby, dr_secondary, "
      "ha_unhealthy, removed, not_active, leader_changed, version_changed, clock_skew";
  auto by_name = [&](const YAML::Node& at, const std::string& s) -> std::optional<HealthCondition> {
    auto c = rules::parse_health_condition(s);
    if (!c) ctx.error(at, p, "unknown health condition \"" + s + "\" (one of " + names + ")");
    return c;
  };
  if (n.IsScalar()) {
    auto s = MapReader::scalar(ctx, n, p);
    if (!s) return std::nullopt;
    auto c = by_name(n, *s);
    if (!c) return std::nullopt;
    if (*c == HealthCondition::clock_skew) {
      ctx.error(n, p, "clock_skew needs a bound: health: {clock_skew: {above: 5s}}");
      return std::nullopt;
    }
    return HealthCond{*c, {}};
  }
  if (!n.IsMap() || n.size() != 1) {
    ctx.error(n, p, "must be a condition name (e.g. sealed) or {clock_skew: {above: 5s}}");
    return std::nullopt;
  }
  auto it = n.begin();
  if (!it->first.IsScalar()) {
    ctx.error(n, p, "must be a condition name");
    return std::nullopt;
  }
  auto c = by_name(it->first, it->first.Scalar());
  if (!c) return std::nullopt;
  const std::string sub = p + "." + it->first.Scalar();
  HealthCond h{*c, {}};
  if (*c == HealthCondition::clock_skew) {
    MapReader m(ctx, it->second, sub);
    if (!m.duration("above", h.above)) {
      ctx.error(it->second.IsNull() ? it->first : it->second, sub + ".above",
                "is required (a duration like 5s)");
      return std::nullopt;
    }
    if (h.above <= Duration::zero()) {
      ctx.error(m.node("above"), sub + ".above", "must be greater than 0");
      return std::nullopt;
    }
  } else if (!it->second.IsNull() && !(it->second.IsMap() && it->second.size() == 0)) {
    ctx.error(it->second, sub, "takes no parameters");
    return std::nullopt;
  }
  return h;
}

// ---- behavioural kinds (issue 14) --------------------------------------------------------

// A list of audit fields (`key:`, `value:`); a single name stands for a one-element list.
bool read_fields(MapReader& r, std::string_view key, std::vector<rules::AuditField>& out) {
  std::vector<std::string> names;
  if (!r.str_list(key, names)) return false;
  auto n = r.node(key);
  std::vector<rules::AuditField> fields;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto f = rules::parse_audit_field(names[i]);
    if (!f)
      r.ctx().error(item(n, i), idx(r.path_of(key), i),
                    "unknown field \"" + names[i] + "\" (one of " + rules::audit_field_names() + ")");
    else if (std::find(fields.begin(), fields.end(), *f) != fields.end())
      r.ctx().error(item(n, i), idx(r.path_of(key), i), "\"" + names[i] + "\" is listed twice");
    else
      fields.push_back(*f);
  }
  if (names.empty()) r.ctx().error(n, r.path_of(key), "must name at least one field");
  if (fields.size() != names.size()) return false;
  out = std::move(fields);
  return true;
}

// What new_value and baseline_rate share: the `audit:` filters (same keys, same checks) and
// the learning settings, all in the kind's own mapping.
void read_behaviour(MapReader& r, rules::BehaviourCommon& b) {
  auto& ctx = r.ctx();
  read_match(r, b.match);
  if (b.match.types.empty()) b.match.types = {AuditEvent::Type::request};
  r.map("not", [&](MapReader& nr) {
    AuditMatch x;
    read_match(nr, x);
    if (x.empty()) ctx.error(nr.self(), r.path_of("not"), "must set at least one matcher");
    b.exclude = std::move(x);
  });
  read_fields(r, "key", b.key);
  auto positive = [&](std::string_view k, Duration& d) {
    if (r.duration(k, d) && d <= Duration::zero()) ctx.error(r.node(k), r.path_of(k), "must be greater than 0");
  };
  positive("learn", b.learn);
  positive("forget_after", b.forget_after);
  r.duration("cooldown", b.cooldown);
  r.count("max_values", b.max_values, 16, 100'000'000);
  r.count("group_limit", b.group_limit, 1, 10000);
}

rules::NewValueCond read_new_value(MapReader& r) {
  rules::NewValueCond c;
  read_behaviour(r, c.common);
  if (!read_fields(r, "value", c.value) && !r.present("value"))
    r.ctx().error(r.self(), r.path_of("value"), "is required (e.g. remote_network, path_prefix:2)");
  if (c.common.forget_after < c.common.learn)
    r.ctx().error(r.node("forget_after"), r.path_of("forget_after"),
                  "must not be shorter than learn (values would be forgotten before they count)");
  return c;
}

rules::BaselineRateCond read_baseline_rate(MapReader& r) {
  rules::BaselineRateCond c;
  read_behaviour(r, c.common);
  auto& ctx = r.ctx();
  if (r.duration("bucket", c.bucket) && (c.bucket < std::chrono::seconds(1) || c.bucket > std::chrono::hours(24)))
    ctx.error(r.node("bucket"), r.path_of("bucket"), "must be between 1s and 24h");
  if (r.number("factor", c.factor) && !(c.factor >= 1))
    ctx.error(r.node("factor"), r.path_of("factor"), "must be at least 1");
  std::size_t min_count = c.min_count;
  if (r.count("min_count", min_count, 1, 100'000'000)) c.min_count = min_count;
  if (c.common.learn < c.bucket)
    ctx.error(r.node("learn"), r.path_of("learn"), "must be at least one bucket");
  return c;
}

// A threshold: a number, or a byte size with a unit (2GiB) for *_bytes families.
// rotation: {path: [globs]} or rotation: {} (every tracked secret). Issue 13.
rules::RotationCond read_rotation(Context& ctx, const YAML::Node& c, const std::string& cp) {
  rules::RotationCond s;
  MapReader r(ctx, c, cp);
  read_globs(r, "path", s.paths);
  return s;
}

bool read_threshold(MapReader& r, double& out) {
  if (!r.present("threshold")) return false;
  auto n = r.node("threshold");
  auto s = MapReader::scalar(r.ctx(), n, r.path_of("threshold"));
  if (!s) return false;
  char* end = nullptr;
  double v = std::strtod(s->c_str(), &end);
  if (!s->empty() && end == s->c_str() + s->size()) {
    out = v;
    return true;
  }
  if (auto size = parse_size(*s)) {
    out = static_cast<double>(*size);
    return true;
  }
  r.ctx().error(n, r.path_of("threshold"), "must be a number (or a size like 2GiB), got \"" + *s + "\"");
  return false;
}

}  // namespace

std::optional<rules::Rule> RuleSetReader::read_rule(Context& ctx, const YAML::Node& n,
                                                    const std::string& p) {
  if (!n.IsMap()) {
    ctx.error(n, p, "must be a mapping with `alert:` and one condition");
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.error_count();
  working_hours_.used_unset = false;
  MapReader r(ctx, n, p);
  rules::Rule rule;
  if (!r.str("alert", rule.alert)) {
    ctx.error(n, p + ".alert", "is required");
  } else if (!rules::valid_label_name(rule.alert)) {
    ctx.error(r.node("alert"), p + ".alert",
              "\"" + rule.alert + "\" is not a valid alert name ([A-Za-z_][A-Za-z0-9_]*)");
  } else if (auto it = seen_.find(rule.alert); it != seen_.end()) {
    ctx.error(r.node("alert"), p + ".alert",
              "duplicate alert name \"" + rule.alert + "\" (first defined at " + it->second + ")");
  } else {
    auto mark = r.node("alert").Mark();
    seen_[rule.alert] = ctx.file() + ":" + std::to_string(mark.line + 1);
  }

  // Exactly one condition.
  std::vector<std::string> given;
  for (const char* k : condition_keys) {
    r.present(k);  // declare it
    if (has_key(n, k)) given.push_back(k);
  }
  std::optional<Condition> cond;
  if (given.empty()) {
    ctx.error(n, p,
              "needs one condition: health, metric, audit, audit_silent, secret_age, token_ttl, "
              "new_value or baseline_rate");
  } else if (given.size() > 1) {
    ctx.error(raw(n, given[1]), p + "." + given[1],
              "a rule has exactly one condition; this one also has " + given[0]);
  } else {
    const std::string& k = given[0];
    const YAML::Node c = raw(n, k);
    const std::string cp = p + "." + k;
    if (k == "health") {
      if (auto h = read_health(ctx, c, cp)) cond = *h;
    } else if (k == "metric") {
      rules::MetricCond m;
      MapReader mr(ctx, c, cp);
      if (!mr.str("name", m.name)) ctx.error(c, cp + ".name", "is required");
      else if (!rules::valid_metric_name(m.name))
        ctx.error(mr.node("name"), cp + ".name", "\"" + m.name + "\" is not a valid metric name");
      if (mr.str_map("match", m.match))
        for (const auto& [lk, lv] : m.match)
          if (!rules::valid_label_name(lk))
            ctx.error(mr.node("match"), cp + ".match." + lk, "not a valid label name");
      std::map<std::string, std::string> re;
      if (mr.str_map("match_re", re)) {
        for (const auto& [lk, lv] : re) {
          auto rx = rules::Regex::compile(lv);
          if (!rules::valid_label_name(lk))
            ctx.error(mr.node("match_re"), cp + ".match_re." + lk, "not a valid label name");
          else if (!rx)
            ctx.error(raw(mr.node("match_re"), lk), cp + ".match_re." + lk, rx.error().message);
          else
            m.match_re.emplace(lk, std::move(*rx));
        }
      }
      std::string op = ">";
      if (mr.str("op", op)) {
        if (auto o = rules::parse_compare_op(op)) m.op = *o;
        else ctx.error(mr.node("op"), cp + ".op", "must be one of > >= < <= == !=");
      }
      if (!read_threshold(mr, m.threshold) && !mr.present("threshold"))
        ctx.error(c, cp + ".threshold", "is required");
      mr.duration("rate_over", m.rate_over);
      cond = std::move(m);
    } else if (k == "audit") {
      AuditCond a;
      MapReader ar(ctx, c, cp);
      read_match(ar, a.match, &working_hours_);
      if (a.match.types.empty()) a.match.types = {AuditEvent::Type::request};
      ar.map("not", [&](MapReader& nr) {
        AuditMatch x;
        read_match(nr, x, &working_hours_);
        if (x.empty()) ctx.error(nr.self(), cp + ".not", "must set at least one matcher");
        a.exclude = std::move(x);
      });
      ar.count("threshold", a.threshold, 1, rules::max_threshold);
      ar.duration("window", a.window);
      if (ar.str_list("group_by", a.group_by)) {
        auto gn = ar.node("group_by");
        const auto& fields = rules::audit_event_fields();
        std::vector<std::string> ok;
        for (std::size_t i = 0; i < a.group_by.size(); ++i) {
          const auto& f = a.group_by[i];
          if (f == "time" || std::find(fields.begin(), fields.end(), f) == fields.end()) {
            std::string list;
            for (const auto& x : fields)
              if (x != "time") list += (list.empty() ? "" : ", ") + x;
            ctx.error(item(gn, i), idx(cp + ".group_by", i),
                      "cannot group by \"" + f + "\" (one of " + list + ")");
          } else if (std::find(ok.begin(), ok.end(), f) != ok.end()) {
            ctx.error(item(gn, i), idx(cp + ".group_by", i), "\"" + f + "\" is listed twice");
          } else {
            ok.push_back(f);
          }
        }
        a.group_by = std::move(ok);
      }
      ar.count("group_limit", a.group_limit, 1, 10000);
      if (a.threshold > 1 && a.window == Duration::zero())
        ctx.error(ar.node("threshold"), cp + ".threshold",
                  "a threshold above 1 needs a window (e.g. window: 5m)");
      cond = std::move(a);
    } else if (k == "audit_silent") {
      rules::AuditSilentCond s;
      auto v = c.IsNull() ? std::nullopt : MapReader::scalar(ctx, c, cp);
      if (c.IsNull()) ctx.error(raw(n, k), cp, "needs a duration, e.g. audit_silent: 15m");
      if (v) {
        auto d = parse_duration(*v);
        if (!d) ctx.error(c, cp, d.error().message);
        else if (*d <= Duration::zero()) ctx.error(c, cp, "must be greater than 0");
        else s.after = *d;
      }
      cond = s;
    } else if (k == "secret_age") {
      rules::SecretAgeCond s;
      MapReader sr(ctx, c, cp);
      read_globs(sr, "path", s.paths);
      cond = std::move(s);
    } else if (k == "new_value") {
      MapReader vr(ctx, c, cp);
      cond = read_new_value(vr);
    } else if (k == "baseline_rate") {
      MapReader br(ctx, c, cp);
      cond = read_baseline_rate(br);
    } else if (k == "token_ttl") {
      rules::TokenTtlCond t;
      MapReader tr(ctx, c, cp);
      if (!tr.duration("below", t.below)) ctx.error(c.IsNull() ? raw(n, k) : c, cp + ".below", "is required (e.g. 24h)");
      else if (t.below <= Duration::zero()) ctx.error(tr.node("below"), cp + ".below", "must be greater than 0");
      cond = t;
    } else if (k == "rotation") {
      cond = read_rotation(ctx, c, cp);
    }
  }

  const bool has_for = r.duration("for", rule.for_);
  const bool has_keep = r.duration("keep_firing_for", rule.keep_firing_for);
  if (cond) {
    rule.condition = *cond;
    if (!has_keep) rule.keep_firing_for = rules::default_keep_firing_for(*cond);
    if (has_for && rule.for_ > Duration::zero() && rules::is_instant(*cond))
      ctx.error(r.node("for"), p + ".for",
                rules::behaviour_of(*cond)
                    ? "new_value and baseline_rate hold only at the instant of the entry that "
                      "fires them, so `for` would never be reached; use keep_firing_for"
                : std::holds_alternative<AuditCond>(*cond)
                    ? "an audit rule without a window holds only at the instant of each entry, so "
                      "`for` would never be reached; set window (and threshold) or remove `for`"
                    : "leader_changed and version_changed hold only at the poll that saw the "
                      "change, so `for` would never be reached; use keep_firing_for");
  }

  if (r.str_map("labels", rule.labels)) {
    auto ln = r.node("labels");
    for (const auto& [k, v] : rule.labels) {
      const std::string lp = p + ".labels." + k;
      if (!rules::valid_label_name(k)) ctx.error(raw(ln, k), lp, "not a valid label name");
      else if (k == "alertname") ctx.error(raw(ln, k), lp, "alertname is set from `alert`");
      else if (rules::looks_templated(v))
        ctx.error(raw(ln, k), lp,
                  "label values are not templated (a changing value would make a new alert each "
                  "time); use group_by for per-event labels and annotations for text");
    }
    if (cond && rules::behaviour_of(*cond) && rule.labels.count("key"))
      ctx.error(raw(ln, "key"), p + ".labels.key",
                "\"key\" is the label of each alerting key: the static value would hide them");
    if (auto* a = cond ? std::get_if<AuditCond>(&*cond) : nullptr)
      for (const auto& f : a->group_by)
        if (rule.labels.count(f))
          ctx.error(raw(ln, f), p + ".labels." + f,
                    "\"" + f + "\" is also in group_by: the static value would hide the groups");
  }

  // Annotations: templates checked against what this rule's alerts can carry.
  rules::TemplateScope scope;
  scope.labels.insert("alertname");
  for (const auto& [k, v] : rule.labels) scope.labels.insert(k);
  for (const auto& [k, v] : external_) scope.labels.insert(k);
  if (cond) {
    if (auto* a = std::get_if<AuditCond>(&*cond)) {
      scope.audit = true;
      for (const auto& f : a->group_by) scope.labels.insert(f);
    } else if (rules::behaviour_of(*cond)) {
      scope.audit = true;
      scope.labels.insert("key");
    } else if (auto* h = std::get_if<HealthCond>(&*cond)) {
      scope.change_event = rules::is_event_condition(h->what);
    } else if (std::holds_alternative<rules::MetricCond>(*cond)) {
      scope.any_label = true;
    } else if (std::holds_alternative<rules::SecretAgeCond>(*cond)) {
      scope.labels.insert("path");
    } else if (std::holds_alternative<rules::RotationCond>(*cond)) {
      scope.labels.insert("path");
    }
  }
  if (r.present("annotations")) {
    auto an = r.node("annotations");
    const std::string ap = p + ".annotations";
    if (!an.IsMap()) {
      ctx.error(an, ap, "must be a mapping of strings");
    } else {
      for (auto it = an.begin(); it != an.end(); ++it) {
        if (!it->first.IsScalar()) {
          ctx.error(it->first, ap, "keys must be strings");
          continue;
        }
        const std::string k = it->first.Scalar();
        if (!rules::valid_label_name(k)) {
          ctx.error(it->first, ap + "." + k, "not a valid annotation name");
          continue;
        }
        if (rule.annotations.count(k)) {
          ctx.error(it->first, ap + "." + k, "duplicate key");
          continue;
        }
        auto text = MapReader::scalar(ctx, it->second, ap + "." + k);
        if (!text) continue;
        auto t = rules::Template::compile(*text, scope);
        if (!t) ctx.error(it->second, ap + "." + k, t.error().message);
        else rule.annotations.emplace(k, std::move(*t));
      }
    }
  }
  r.finish();
  if (ctx.error_count() != errors_before || !cond) return std::nullopt;
  return rule;
}

void RuleSetReader::read_list(Context& ctx, const YAML::Node& list, const std::string& path) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    ctx.error(list, path, "must be a list of rules");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto r = read_rule(ctx, list[i], idx(path, i))) {
      if (working_hours_.used_unset) inactive_.push_back(r->alert);
      rules_.push_back(std::move(*r));
    }
}

void RuleSetReader::read_document(Context& ctx, std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    ctx.error(e.mark, "", "YAML syntax error: " + e.msg);
    return;
  }
  if (!root.IsDefined() || root.IsNull()) return;  // an empty file: no rules
  if (root.IsSequence()) {
    read_list(ctx, root, "rules");
    return;
  }
  if (!root.IsMap()) {
    ctx.error(root, "", "a rules file is a mapping with `rules:` (a list of rules)");
    return;
  }
  MapReader top(ctx, root, "");
  if (top.present("rules")) read_list(ctx, top.node("rules"), "rules");
}

}  // namespace vw::config
