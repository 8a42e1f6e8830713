#include "rotation/kv_op.hpp"

#include <array>

namespace vw::rotation {

const char* to_string(KvOp op) {
  switch (op) {
    case KvOp::none: return "none";
    case KvOp::write: return "write";
    case KvOp::read: return "read";
    case KvOp::delete_latest: return "delete";
    case KvOp::delete_versions: return "delete_versions";
    case KvOp::undelete: return "undelete";
    case KvOp::destroy: return "destroy";
    case KvOp::metadata_delete: return "metadata_delete";
  }
  return "none";
}

namespace {

enum class Kind { none, data, del, undel, destroy, metadata };

constexpr std::array<std::pair<std::string_view, Kind>, 5> kinds{{
    {"data/", Kind::data},
    {"metadata/", Kind::metadata},
    {"delete/", Kind::del},
    {"undelete/", Kind::undel},
    {"destroy/", Kind::destroy},
}};

// `rest` is the path after the mount: "<kind>/<secret>".
Kind kind_of(std::string_view rest, std::string_view& secret) {
  for (const auto& [prefix, k] : kinds) {
    if (rest.starts_with(prefix) && rest.size() > prefix.size()) {
      secret = rest.substr(prefix.size());
      return k;
    }
  }
  return Kind::none;
}

}  // namespace

KvRef classify(const audit::AuditEntryView& e) {
  KvRef out;
  std::string_view path = e.path;
  std::string_view rest;
  if (!e.mount_point.empty()) {
    // A mount of another type (kv v1 is also "kv": its paths have no data/ segment that a
    // version number would go with; the tracker requires the version) is not ours.
    if (!e.mount_type.empty() && e.mount_type != "kv" && e.mount_type != "generic") return out;
    if (!path.starts_with(e.mount_point)) return out;
    out.mount = path.substr(0, e.mount_point.size());
    rest = path.substr(e.mount_point.size());
  } else {
    // Old Vault (no mount_point logged): the first "/<kind>/" segment ends the mount.
    std::size_t best = std::string_view::npos;
    for (const auto& [prefix, k] : kinds) {
      std::size_t at = path.find(prefix);
      while (at != std::string_view::npos && at != 0 && path[at - 1] != '/') at = path.find(prefix, at + 1);
      if (at != std::string_view::npos && at != 0 && at < best) best = at;
    }
    if (best == std::string_view::npos) return out;
    out.mount = path.substr(0, best);
    rest = path.substr(best);
  }
  const Kind k = kind_of(rest, out.secret);
  const std::string_view op = e.operation;
  switch (k) {
    case Kind::none: break;
    case Kind::data:
      if (op == "read") out.op = KvOp::read;
      else if (op == "create" || op == "update" || op == "patch") out.op = KvOp::write;
      else if (op == "delete") out.op = KvOp::delete_latest;
      break;
    case Kind::del:
      if (op == "create" || op == "update") out.op = KvOp::delete_versions;
      break;
    case Kind::undel:
      if (op == "create" || op == "update") out.op = KvOp::undelete;
      break;
    case Kind::destroy:
      if (op == "create" || op == "update") out.op = KvOp::destroy;
      break;
    case Kind::metadata:
      if (op == "delete") out.op = KvOp::metadata_delete;
      break;
  }
  if (out.op == KvOp::none) out = KvRef{};
  return out;
}

}  // namespace vw::rotation
