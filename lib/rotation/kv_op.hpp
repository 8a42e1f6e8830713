#pragma once
// Which KV v2 operation an audit entry is, from its path, operation and mount (issue 13).
//
// KV v2 paths as Vault logs them (namespace-relative): <mount>/data/<p> (read, create, update,
// patch, delete of the latest version), <mount>/delete/<p>, <mount>/undelete/<p>,
// <mount>/destroy/<p> (versions), <mount>/metadata/<p> (delete = the whole secret). The mount
// is request.mount_point when Vault logs it (>= 1.13), so a mount with any name (and with '/'
// in it) works; on older logs without mount_point the first "/data/"-style segment is taken.
// Pure.
#include <string_view>

#include "audit/entry_view.hpp"

namespace vw::rotation {

enum class KvOp {
  none,             // not a KV v2 operation this module tracks
  write,            // create / update / patch on <mount>/data/<p>
  read,             // read on <mount>/data/<p>
  delete_latest,    // delete on <mount>/data/<p> (soft-deletes the newest version)
  delete_versions,  // <mount>/delete/<p>
  undelete,         // <mount>/undelete/<p>
  destroy,          // <mount>/destroy/<p>
  metadata_delete,  // delete on <mount>/metadata/<p>: every version and the key itself
};

const char* to_string(KvOp op);

struct KvRef {
  KvOp op = KvOp::none;
  std::string_view mount;   // "secret/" (with its trailing '/')
  std::string_view secret;  // the part after <mount>/<kind>/, e.g. "payments/db"
};

/// Classifies a decoded entry by path, operation and mount. Does not look at the entry's type,
/// error or version: the tracker does.
KvRef classify(const audit::AuditEntryView& e);

}  // namespace vw::rotation
