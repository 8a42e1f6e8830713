#pragma once
// How a reload (SIGHUP, POST /-/reload) replaces the configuration without losing state: two
// phases over every reloadable component, all-or-nothing.
//
// Contract for a component that takes part (App::start registers it with Reloader::add):
//
//  prepare(next, current) -> Prepared
//    Runs for every participant first, on the io thread, with the new and the running Config.
//    Validates its part of `next` and builds everything that can fail — files opened, TLS
//    contexts, clients, compiled rules — WITHOUT touching the running component. Returns the
//    problems (one operator-readable message each, like --check-config prints them), or a
//    commit. Nothing it does may be visible outside what it returns: when any participant
//    reports a problem, every prepared commit is dropped and the daemon keeps running exactly as
//    before (vaultwatch_config_last_reload_successful 0, each problem logged).
//    A participant whose part of the config did not change returns an empty commit, so that a
//    reload does not restart pollers, reopen files or reset timers for nothing.
//
//  commit()
//    Runs only when every participant prepared successfully, in registration order. Must not
//    fail (everything fallible happened in prepare). Swaps the prepared pieces in and carries the
//    component's state across. What each component keeps:
//      - vault pollers: the node-state collector and leader tracker stay in App, so gauges,
//        leader-change counting and readiness continue; only the client and pollers are new.
//      - log: level and format change in place; loggers handed out earlier stay valid.
//      - web config: the basic-auth cache and the bcrypt worker stay (the cache is keyed by the
//        hash, so changed passwords apply at once); the rate limiter keeps its tokens unless its
//        settings changed.
//      - audit tailer (issue 3): keeps file, inode and offset (and the checkpoint) when audit.path
//        is unchanged; a new path saves the old checkpoint first, then follows the new file.
//      - rules (issue 4): alert state (pending/firing, activeAt, keep_firing_for deadlines) moves
//        to the new rule of the same alert identity (alertname + labels); instances of removed
//        rules resolve and are notified as resolved.
//      - notifications (issue 4): queued and spooled notifications move to the receiver with the
//        same name (webhook) or URL (Alertmanager); a removed receiver's queue is dropped and
//        counted as dropped.
//
// Settings that need a restart (server.listen_address, server.max_connections, state_dir) are
// not problems: the participant logs that the new value applies after a restart.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/rules_config.hpp"
#include "core/result.hpp"

namespace vw::daemon {

class Reloader {
 public:
  using Commit = std::function<void()>;
  struct Prepared {
    std::vector<std::string> problems;  // non-empty: the reload is rejected
    Commit commit;                      // empty: nothing to do
  };
  /// A participant that needs no rules may take `const config::Config&`.
  using Prepare = std::function<Prepared(const config::ConfigWithRules& next, const config::ConfigWithRules& current)>;

  /// The usual prepare for a component that is rebuilt whole: `built` is the replacement, made
  /// now, or why it could not be made; the commit hands it to `swap`.
  template <class T, class Swap>
  static Prepared swap_in(result<T> built, Swap swap) {
    Prepared p;
    if (!built) {
      p.problems.push_back(built.error().message);
      return p;
    }
    // Commit is a std::function (copyable): the move-only replacement waits in a shared_ptr.
    auto ready = std::make_shared<T>(std::move(*built));
    p.commit = [ready, swap = std::move(swap)]() mutable { swap(std::move(*ready)); };
    return p;
  }

  /// Adds a participant; `name` is for logs and tests.
  void add(std::string name, Prepare prepare);

  /// Prepares every participant (all of them, so every problem is reported at once), then
  /// commits all or none. Returns the problems; empty when the new config is in force.
  std::vector<std::string> run(const config::ConfigWithRules& next, const config::ConfigWithRules& current);

  std::vector<std::string> names() const;

 private:
  struct Participant {
    std::string name;
    Prepare prepare;
  };
  std::vector<Participant> participants_;
};

}  // namespace vw::daemon
