#pragma once
// Output of `audit search` (SPEC §1): one row per matching entry, as an aligned table for
// people, JSON (one object per line) or CSV (RFC 4180 quoting) for scripts.
//
// Columns in every format, in this order: time, type, operation, path, display_name, entity_id,
// policies, remote_address, error. CSV adds request_id, mount_point and metadata (k=v pairs
// joined by ';'); JSON adds remote_port, request_id, mount_point, mount_type, namespace,
// token_type and metadata as an object. With show_hmac all formats add accessor and client_token.
//
// type is Vault's ("kmip-request" too). remote_address is the client address without the port
// KMIP entries carry in it ("192.168.0.10:36776" shows as 192.168.0.10); JSON's remote_port is
// request.remote_port or that port, null when neither is there. The table shows "-" for an
// empty cell (a KMIP entry's operation and path).
//
// HMAC'd values are never printed unless show_hmac: accessor and client_token are left out, and
// any other value that starts with "hmac-sha256:" is replaced by "(hmac)". Why even HMACs: with
// Vault's sys/audit-hash an HMAC confirms a guessed value, so they are treated as sensitive.
//
// The table is for a terminal, and request paths and error texts are written by clients: control
// characters (ESC included, C1 controls too) are shown as a space so a crafted path cannot drive
// the terminal. Column widths come from the first `table_sample_rows` rows (which are held back
// until then); a longer cell later simply pushes its row out of line. Times in the table carry as
// many fraction digits as the longest in the sample, zero-padded ("10:00:01.500000Z"), so they
// line up; JSON and CSV print them as Vault does (RFC3339Nano, trailing zeros dropped). The
// table shows Vault's multi-line errors on one line without the "1 error occurred:" wrapper
// (core/error_text.hpp); JSON and CSV keep the text as it is. No rows, no table (not even the
// header); CSV always has its header.
//
// Pure: appends to a std::string; the caller writes it out. Not thread-safe.
#include <memory>
#include <string>
#include <string_view>

#include "audit/entry_view.hpp"
#include "core/time.hpp"

namespace vw::forensics {

enum class Format { table, json, csv };

struct FormatOptions {
  Format format = Format::table;
  bool show_hmac = false;
  std::size_t table_sample_rows = 1000;
};

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  virtual void row(const audit::AuditEntryView& e, std::string& out) = 0;
  /// Flushes held-back rows (the table's sample). Call once at the end.
  virtual void finish(std::string& out) = 0;
};

std::unique_ptr<RowWriter> make_row_writer(const FormatOptions& opts);

/// RFC 3339 in UTC with as many fraction digits as needed, up to nanoseconds (Go's
/// RFC3339Nano, which is what Vault writes): "2026-11-28T10:00:00.153356Z".
void append_rfc3339(SysTime t, std::string& out);

/// JSON string literal (with quotes) of valid UTF-8 text.
void append_json_string(std::string_view s, std::string& out);
/// One CSV field, quoted when it holds a comma, quote, CR, LF or leading/trailing space.
void append_csv_field(std::string_view s, std::string& out);
/// `s` with control characters (C0, DEL, C1) shown as single spaces, runs collapsed, trimmed.
std::string terminal_safe(std::string_view s);

}  // namespace vw::forensics
