#include "daemon/reloader.hpp"

namespace vw::daemon {

void Reloader::add(std::string name, Prepare prepare) {
  participants_.push_back(Participant{std::move(name), std::move(prepare)});
}

std::vector<std::string> Reloader::run(const config::ConfigWithRules& next, const config::ConfigWithRules& current) {
  std::vector<std::string> problems;
  std::vector<Commit> commits;
  commits.reserve(participants_.size());
  for (const auto& p : participants_) {
    Prepared prepared = p.prepare(next, current);
    problems.insert(problems.end(), prepared.problems.begin(), prepared.problems.end());
    commits.push_back(std::move(prepared.commit));
  }
  if (!problems.empty()) return problems;  // the prepared pieces die here, unused
  for (auto& c : commits)
    if (c) c();
  return {};
}

std::vector<std::string> Reloader::names() const {
  std::vector<std::string> out;
  for (const auto& p : participants_) out.push_back(p.name);
  return out;
}

}  // namespace vw::daemon
