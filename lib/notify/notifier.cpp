#include "notify/notifier.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "http/tls.hpp"
#include "notify/alertmanager_sender.hpp"
#include "notify/fingerprint.hpp"
#include "notify/payload.hpp"
#include "notify/spool.hpp"
#include "notify/webhook_sender.hpp"

namespace vw::notify {

namespace fs = std::filesystem;

namespace {

fs::path spool_dir(const std::string& state_dir) { return fs::path(state_dir) / "notify"; }

std::string am_path(std::size_t i) { return "notify.alertmanagers[" + std::to_string(i) + "]"; }
std::string wh_path(std::size_t i) { return "notify.webhooks[" + std::to_string(i) + "]"; }

}  // namespace

std::vector<std::string> check_notify_files(const NotifierOptions& cfg) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cfg.alertmanagers.size(); ++i) {
    const auto& am = cfg.alertmanagers[i];
    if (auto u = http::parse_url(am.url); u && u->tls) {
      if (auto ctx = http::make_client_tls_context(am.tls); !ctx)
        out.push_back(am_path(i) + ".tls: " + ctx.error().message);
    }
    if (!am.basic_auth_password_file.empty())
      if (auto s = read_secret_file(am.basic_auth_password_file); !s)
        out.push_back(am_path(i) + ".basic_auth.password_file: " + s.error().message);
    if (!am.bearer_token_file.empty())
      if (auto s = read_secret_file(am.bearer_token_file); !s)
        out.push_back(am_path(i) + ".bearer_token_file: " + s.error().message);
  }
  for (std::size_t i = 0; i < cfg.webhooks.size(); ++i) {
    const auto& wh = cfg.webhooks[i];
    if (!wh.hmac_secret_file.empty())
      if (auto s = read_secret_file(wh.hmac_secret_file); !s)
        out.push_back(wh_path(i) + ".hmac_secret_file: " + s.error().message);
  }
  return out;
}

result<std::unique_ptr<Notifier>> Notifier::create(net::any_io_executor ex, NotifierOptions opts,
                                                   NotifyMetrics& metrics,
                                                   std::shared_ptr<spdlog::logger> log) {
  const auto& cfg = opts;
  std::vector<std::string> problems;
  std::vector<std::pair<std::string, std::unique_ptr<Sender>>> senders;
  std::set<std::string> labels;

  for (std::size_t i = 0; i < cfg.alertmanagers.size(); ++i) {
    auto s = AlertmanagerSender::create(cfg.alertmanagers[i], opts.user_agent);
    if (!s) {
      problems.push_back(am_path(i) + ": " + s.error().message);
      continue;
    }
    auto label = alertmanager_receiver_label(*http::parse_url(cfg.alertmanagers[i].url));
    if (!labels.insert(label).second) {
      problems.push_back(am_path(i) + ".url: another Alertmanager has the same address " + label);
      continue;
    }
    senders.emplace_back(std::move(label), std::move(*s));
  }
  for (std::size_t i = 0; i < cfg.webhooks.size(); ++i) {
    const auto& wh = cfg.webhooks[i];
    auto s = WebhookSender::create(wh, opts.external_url, opts.user_agent);
    if (!s) {
      problems.push_back(wh_path(i) + ": " + s.error().message);
      continue;
    }
    // Webhook names are unique (the config checks); they share the receiver label with the
    // Alertmanagers' host:port values, so those must not collide either.
    if (!labels.insert(wh.name).second) {
      problems.push_back(wh_path(i) + ".name: \"" + wh.name +
                         "\" is also the receiver label of an Alertmanager; choose another name");
      continue;
    }
    senders.emplace_back(wh.name, std::move(*s));
  }
  if (!cfg.webhooks.empty()) {
    std::error_code ec;
    fs::create_directories(spool_dir(opts.state_dir), ec);
    if (ec)
      problems.push_back("state_dir: cannot create the notification spool directory " +
                         spool_dir(opts.state_dir).string() + ": " + ec.message());
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return make_error(all);
  }

  auto n = std::unique_ptr<Notifier>(new Notifier(opts, log));
  for (auto& [label, sender] : senders) {
    ReceiverOptions ro;
    ro.label = label;
    ro.queue_capacity = cfg.queue_capacity;
    ro.max_retry_duration = cfg.max_retry_duration;
    ro.backoff = opts.backoff;
    ro.spool_delay = opts.spool_delay;
    if (sender->retries())
      ro.spool.emplace(spool_dir(opts.state_dir) / spool_file_name(label), label, opts.spool_max_bytes);
    n->receivers_.push_back(std::make_unique<Receiver>(ex, std::move(sender), std::move(ro), metrics, log));
  }
  n->handed_over_.resize(n->receivers_.size());
  n->has_handover_.assign(n->receivers_.size(), false);
  return n;
}

Notifier::~Notifier() { stop(); }

void Notifier::take_over(Notifier& previous) {
  std::set<std::string> kept;
  for (std::size_t i = 0; i < receivers_.size(); ++i) {
    for (auto& old : previous.receivers_) {
      if (old->label() != receivers_[i]->label() || std::string_view(old->kind()) != receivers_[i]->kind())
        continue;
      handed_over_[i] = old->take_pending();
      has_handover_[i] = true;
      kept.insert(old->label());
    }
  }
  previous.stop();
  for (auto& old : previous.receivers_)
    if (!kept.contains(old->label())) old->remove_series();
}

void Notifier::start() {
  if (started_) return;
  started_ = true;
  std::set<std::string> spool_files;
  for (std::size_t i = 0; i < receivers_.size(); ++i) {
    auto& r = *receivers_[i];
    std::vector<QueuedNotification> initial;
    if (has_handover_[i]) {
      initial = std::move(handed_over_[i]);
    } else if (std::string_view(r.kind()) == "webhook") {
      Spool spool(spool_dir(opts_.state_dir) / spool_file_name(r.label()), r.label(), opts_.spool_max_bytes);
      auto loaded = spool.load();
      if (!loaded) {
        // Keep the evidence out of the way instead of overwriting it with the next spool write.
        auto aside = spool.file().string() + ".corrupt";
        std::error_code ec;
        fs::rename(spool.file(), aside, ec);
        log_->error("cannot read notification spool, moved aside: receiver={} err={} file={}", r.label(),
                    loaded.error().message, aside);
      } else {
        if (loaded->bad_lines > 0)
          log_->warn("notification spool has unreadable lines, skipped: receiver={} count={}", r.label(),
                     loaded->bad_lines);
        if (!loaded->items.empty())
          log_->info("delivering spooled notifications: receiver={} count={}", r.label(),
                     loaded->items.size());
        initial = std::move(loaded->items);
      }
    }
    if (std::string_view(r.kind()) == "webhook")
      spool_files.insert(spool_file_name(r.label()));
    r.start(std::move(initial));
  }
  handed_over_.assign(receivers_.size(), {});
  // Spools of webhooks no longer configured stay where they are (a renamed webhook can be
  // renamed back); say so once.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(spool_dir(opts_.state_dir), ec)) {
    const auto name = e.path().filename().string();
    if (name.starts_with("webhook-") && name.ends_with(".spool") && !spool_files.contains(name))
      log_->warn("notification spool of a webhook that is not configured, left alone: file={}",
                 e.path().string());
  }
}

void Notifier::notify(const std::vector<AlertNotification>& alerts) {
  if (receivers_.empty()) return;
  const auto now = std::chrono::system_clock::now();
  for (const auto& a : alerts) {
    QueuedNotification q;
    q.alert = a;
    normalize(q.alert, opts_.external_labels);
    if (q.alert.labels.empty()) {
      log_->warn("notification without labels ignored");
      continue;
    }
    // A resolved alert must carry its resolve time: without endsAt Alertmanager would take it
    // for a firing one (and apply resolve_timeout).
    if (q.alert.resolved && q.alert.ends_at == SysTime{}) q.alert.ends_at = now;
    q.fingerprint = fingerprint(q.alert.labels);
    q.enqueued_at = now;
    for (auto& r : receivers_) r->push(q);
  }
}

void Notifier::shutdown(Duration flush) {
  const auto deadline = std::chrono::steady_clock::now() + flush;
  for (auto& r : receivers_) r->shutdown(deadline);
}

void Notifier::stop() {
  for (auto& r : receivers_) r->stop();
}

bool Notifier::finished() const {
  for (const auto& r : receivers_)
    if (!r->finished()) return false;
  return true;
}

std::vector<ReceiverStatus> Notifier::status() const {
  std::vector<ReceiverStatus> out;
  out.reserve(receivers_.size());
  for (const auto& r : receivers_) out.push_back(r->status());
  return out;
}

}  // namespace vw::notify
