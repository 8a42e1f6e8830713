#pragma once
// What the two audit kinds (instant audit rules and threshold windows) share: matching an entry
// against the rule's filters, the group_by instances (capped, the rest folded into "other"),
// forgetting idle groups, and persisting them. Each kind adds its own observe/tick/deadline.
#include <map>
#include <optional>

#include "rules/evaluator.hpp"

namespace vw::rules {

class AuditGroups : public Evaluator {
 public:
  AuditGroups(const AuditCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  /// Drops groups with nothing left, and releases alerts no group accounts for (restored from an
  /// older rule definition: they run out their keep_firing_for from now).
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override;
  void save(std::vector<SavedGroup>& out) const override;
  bool restore(const SavedGroup& g, const AlertTable& t) override;

 protected:
  struct Group {
    Labels key;
    Labels alert_labels;
    std::optional<SlidingWindow> window;  // threshold windows only
    std::uint64_t count_since_active = 0;
    std::optional<AuditEvent> last_event;
    SysTime seen{};  // when the last entry was read, if it was late (its alert holds until then)
  };

  /// The group an entry that passes the rule's filters belongs to (created if needed), or null
  /// when it does not pass them.
  Group* match(const AuditEvent& e, AlertTable& t, SysTime now);
  /// match(), and the group remembers the entry as its latest.
  Group* take(const AuditEntry& entry, AlertTable& t, SysTime now);
  /// What the rule's annotations are rendered with for this entry, `n` matches counted.
  static Annotate annotate(const AuditEntry& entry, std::uint64_t n) {
    return Annotate{static_cast<double>(n), &entry.event, nullptr, n, entry.late};
  }
  /// The kind's own per-group step of tick(), before idle groups are dropped.
  virtual void advance(Group&, AlertTable&, SysTime, Transitions&) {}
  Group make_group(const Labels& key, const AlertTable& t) const;

  AuditCond c_;
  std::map<Labels, Group> groups_;
  SysTime last_purge_{};  // idle groups are looked for at most once a second
};

/// Threshold windows (audit_window.cpp); make_evaluator(AuditCond) picks by `window`.
std::unique_ptr<Evaluator> make_audit_window_evaluator(const AuditCond& c, Rule rule);

}  // namespace vw::rules
