#include "support/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace vw::test {

std::unique_ptr<Subprocess> Subprocess::start(std::vector<std::string> argv,
                                              std::map<std::string, std::string> env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  // Asio does not open sockets with SOCK_CLOEXEC: without this the child would inherit (and
  // keep listening on) the in-process fake Vault's sockets.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a test's Ctrl-C does not hit the children twice.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);

  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto name = kv.substr(0, kv.find('='));
    if (!env.count(name)) envs.push_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  auto p = std::unique_ptr<Subprocess>(new Subprocess());
  int rc = posix_spawnp(&p->pid_, cargv[0], &fa, &attr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    return nullptr;
  }
  p->reader_ = std::thread([raw = p.get(), fd = fds[0]] { raw->read_loop(fd); });
  return p;
}

void Subprocess::read_loop(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mu_);
    out_.append(buf, static_cast<std::size_t>(n));
    cv_.notify_all();
  }
  close(fd);
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

Subprocess::~Subprocess() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  if (reader_.joinable()) reader_.join();
}

std::string Subprocess::output() const {
  std::lock_guard lock(mu_);
  return out_;
}

testing::AssertionResult Subprocess::wait_for_output(const std::string& regex,
                                                     std::chrono::milliseconds deadline,
                                                     std::smatch* m) {
  std::regex re(regex);
  std::unique_lock lock(mu_);
  const auto end = std::chrono::steady_clock::now() + deadline;
  static thread_local std::string snapshot;
  for (;;) {
    snapshot = out_;
    std::smatch local;
    if (std::regex_search(snapshot, m ? *m : local, re)) return testing::AssertionSuccess();
    if (eof_)
      return testing::AssertionFailure() << "process exited before printing /" << regex
                                         << "/; output:\n" << out_;
    if (cv_.wait_until(lock, end) == std::cv_status::timeout) {
      return testing::AssertionFailure() << "timed out waiting for /" << regex << "/; output:\n"
                                         << out_;
    }
  }
}

void Subprocess::signal(int sig) {
  if (pid_ > 0 && !status_) kill(pid_, sig);
}

bool Subprocess::running() {
  if (status_ || pid_ <= 0) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  auto pause = std::chrono::milliseconds(1);
  while (running()) {
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  if (reader_.joinable()) reader_.join();
  return status_;
}

CommandResult run_command(std::vector<std::string> argv, std::map<std::string, std::string> env,
                          std::chrono::milliseconds deadline) {
  CommandResult r;
  auto p = Subprocess::start(std::move(argv), std::move(env));
  if (!p) return r;
  auto code = p->wait(deadline);
  r.exit_code = code.value_or(-1);
  r.output = p->output();
  return r;
}

bool have_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string p = path;
  std::size_t pos = 0;
  while (pos <= p.size()) {
    auto end = p.find(':', pos);
    if (end == std::string::npos) end = p.size();
    std::string candidate = p.substr(pos, end - pos) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace vw::test
