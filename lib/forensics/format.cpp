#include "forensics/format.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/error_text.hpp"

namespace vw::forensics {

namespace {

constexpr std::string_view hmac_prefix = "hmac-sha256:";
constexpr std::string_view hmac_shown = "(hmac)";

std::string_view visible(std::string_view s, bool show_hmac) {
  return !show_hmac && s.starts_with(hmac_prefix) ? hmac_shown : s;
}

void append_digits(std::string& out, unsigned v, int width) {
  char buf[16];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

// The fixed columns (SPEC §1 order).
constexpr std::array<std::string_view, 9> base_columns = {
    "time", "type", "operation", "path", "display_name", "entity_id", "policies", "remote_address",
    "error"};

std::string join_policies(const audit::AuditEntryView& e, bool show_hmac) {
  std::string s;
  for (auto p : e.policies) {
    if (!s.empty()) s += ',';
    s += visible(p, show_hmac);
  }
  return s;
}

std::string join_metadata(const audit::AuditEntryView& e, bool show_hmac) {
  std::string s;
  for (const auto& [k, v] : e.metadata) {
    if (!s.empty()) s += ';';
    s += k;
    s += '=';
    s += visible(v, show_hmac);
  }
  return s;
}

class JsonWriter final : public RowWriter {
 public:
  explicit JsonWriter(bool show_hmac) : show_(show_hmac) {}
  void row(const audit::AuditEntryView& e, std::string& out) override {
    out += "{\"time\":\"";
    append_rfc3339(e.time, out);
    out += "\",\"type\":";
    append_json_string(e.type_name, out);
    field(out, "operation", e.operation);
    field(out, "path", e.path);
    field(out, "display_name", e.display_name);
    field(out, "entity_id", e.entity_id);
    out += ",\"policies\":[";
    for (std::size_t i = 0; i < e.policies.size(); ++i) {
      if (i) out += ',';
      append_json_string(visible(e.policies[i], show_), out);
    }
    out += ']';
    const auto client = audit::client_endpoint(e);
    field(out, "remote_address", client.address);
    out += ",\"remote_port\":";
    if (client.port) out += std::to_string(client.port);
    else out += "null";
    field(out, "error", e.error);
    field(out, "request_id", e.request_id);
    field(out, "mount_point", e.mount_point);
    field(out, "mount_type", e.mount_type);
    field(out, "namespace", e.namespace_path);
    field(out, "token_type", e.token_type);
    out += ",\"metadata\":{";
    for (std::size_t i = 0; i < e.metadata.size(); ++i) {
      if (i) out += ',';
      append_json_string(e.metadata[i].first, out);
      out += ':';
      append_json_string(visible(e.metadata[i].second, show_), out);
    }
    out += '}';
    if (show_) {
      field(out, "accessor", e.accessor);
      field(out, "client_token", e.client_token);
    }
    out += "}\n";
  }
  void finish(std::string&) override {}

 private:
  void field(std::string& out, std::string_view name, std::string_view v) {
    out += ',';
    out += '"';
    out += name;
    out += "\":";
    append_json_string(visible(v, show_), out);
  }
  bool show_;
};

class CsvWriter final : public RowWriter {
 public:
  explicit CsvWriter(bool show_hmac) : show_(show_hmac) {}
  void row(const audit::AuditEntryView& e, std::string& out) override {
    header(out);
    append_rfc3339(e.time, out);
    out += ',';
    append_csv_field(e.type_name, out);
    for (auto v : {e.operation, e.path, e.display_name, e.entity_id}) {
      out += ',';
      append_csv_field(visible(v, show_), out);
    }
    out += ',';
    append_csv_field(join_policies(e, show_), out);
    for (auto v : {audit::client_endpoint(e).address, e.error, e.request_id, e.mount_point}) {
      out += ',';
      append_csv_field(visible(v, show_), out);
    }
    out += ',';
    append_csv_field(join_metadata(e, show_), out);
    if (show_) {
      out += ',';
      append_csv_field(e.accessor, out);
      out += ',';
      append_csv_field(e.client_token, out);
    }
    out += '\n';
  }
  void finish(std::string& out) override {
    // A header even when nothing matched, so scripts always get the columns.
    header(out);
  }

 private:
  void header(std::string& out) {
    if (header_done_) return;
    header_done_ = true;
    for (auto c : base_columns) {
      out += c;
      out += ',';
    }
    out += "request_id,mount_point,metadata";
    if (show_) out += ",accessor,client_token";
    out += '\n';
  }
  bool show_;
  bool header_done_ = false;
};

class TableWriter final : public RowWriter {
 public:
  TableWriter(bool show_hmac, std::size_t sample) : show_(show_hmac), sample_(sample) {
    std::vector<std::string> header(base_columns.begin(), base_columns.end());
    if (show_) {
      header.insert(header.end() - 1, "accessor");
      header.insert(header.end() - 1, "client_token");
    }
    for (auto& h : header) {
      for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    held_.push_back(std::move(header));
    widths_.assign(held_[0].size(), 0);
  }
  void row(const audit::AuditEntryView& e, std::string& out) override {
    std::vector<std::string> cells;
    cells.reserve(widths_.size());
    std::string t;
    append_rfc3339(e.time, t);
    if (fixed_) pad_fraction(t, frac_digits_);
    else frac_digits_ = std::max(frac_digits_, fraction_digits(t));
    cells.push_back(std::move(t));
    cells.push_back(terminal_safe(e.type_name));
    for (auto v : {e.operation, e.path, e.display_name, e.entity_id})
      cells.push_back(terminal_safe(visible(v, show_)));
    cells.push_back(terminal_safe(join_policies(e, show_)));
    cells.push_back(terminal_safe(visible(audit::client_endpoint(e).address, show_)));
    if (show_) {
      cells.push_back(terminal_safe(e.accessor));
      cells.push_back(terminal_safe(e.client_token));
    }
    cells.push_back(terminal_safe(readable_error(visible(e.error, show_))));
    for (auto& c : cells)
      if (c.empty()) c.push_back('-');
    if (!fixed_) {
      held_.push_back(std::move(cells));
      if (held_.size() - 1 > sample_) flush(out);  // held_[0] is the header
      return;
    }
    emit(cells, out);
  }
  void finish(std::string& out) override {
    // No rows, no table: a lone header line says nothing the summary does not.
    if (!fixed_ && held_.size() > 1) flush(out);
  }

 private:
  static std::size_t fraction_digits(const std::string& t) {
    const auto dot = t.find('.');
    return dot == std::string::npos ? 0 : t.size() - dot - 2;  // between '.' and 'Z'
  }
  // "...:05Z" and "...:05.5Z" as "...:05.000000Z" and "...:05.500000Z" for 6 digits: the same
  // instants, and the times line up in their column.
  static void pad_fraction(std::string& t, std::size_t digits) {
    const std::size_t have = fraction_digits(t);
    if (have >= digits || t.empty() || t.back() != 'Z') return;
    t.pop_back();
    if (have == 0) t += '.';
    t.append(digits - have, '0');
    t += 'Z';
  }
  void flush(std::string& out) {
    for (std::size_t r = 1; r < held_.size(); ++r) pad_fraction(held_[r][0], frac_digits_);  // [0]: header
    for (const auto& r : held_)
      for (std::size_t i = 0; i < r.size(); ++i) widths_[i] = std::max(widths_[i], display_width(r[i]));
    fixed_ = true;
    for (const auto& r : held_) emit(r, out);
    held_.clear();
    held_.shrink_to_fit();
  }
  // Columns are padded by code points, not bytes (paths and names may be UTF-8).
  static std::size_t display_width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xc0) != 0x80;
    return n;
  }
  void emit(const std::vector<std::string>& cells, std::string& out) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 == cells.size()) break;
      std::size_t w = display_width(cells[i]);
      out.append(widths_[i] > w ? widths_[i] - w + 2 : 2, ' ');
    }
    out += '\n';
  }
  bool show_;
  std::size_t sample_;
  bool fixed_ = false;
  std::size_t frac_digits_ = 0;  // the most fraction digits among the sample's times
  std::vector<std::vector<std::string>> held_;
  std::vector<std::size_t> widths_;
};

}  // namespace

std::unique_ptr<RowWriter> make_row_writer(const FormatOptions& o) {
  switch (o.format) {
    case Format::json: return std::make_unique<JsonWriter>(o.show_hmac);
    case Format::csv: return std::make_unique<CsvWriter>(o.show_hmac);
    case Format::table: break;
  }
  return std::make_unique<TableWriter>(o.show_hmac, o.table_sample_rows);
}

void append_rfc3339(SysTime t, std::string& out) {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(t.time_since_epoch());
  auto day = floor<days>(sys_time<nanoseconds>(ns));
  year_month_day ymd{day};
  auto rest = sys_time<nanoseconds>(ns) - day;  // 0 .. 24h
  auto secs = duration_cast<seconds>(rest);
  unsigned frac = static_cast<unsigned>((rest - secs).count());
  unsigned s = static_cast<unsigned>(secs.count());
  append_digits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, s / 3600, 2);
  out += ':';
  append_digits(out, s / 60 % 60, 2);
  out += ':';
  append_digits(out, s % 60, 2);
  if (frac != 0) {
    int digits = 9;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    out += '.';
    append_digits(out, frac, digits);
  }
  out += 'Z';
}

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_csv_field(std::string_view s, std::string& out) {
  bool quote = !s.empty() && (s.front() == ' ' || s.back() == ' ' ||
                              s.find_first_of(",\"\r\n") != std::string_view::npos);
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = true;  // drops leading spaces
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool control = c < 0x20 || c == 0x7f;
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8 (U+009B is a one-byte CSI).
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f &&
        static_cast<unsigned char>(s[i + 1]) >= 0x80) {
      control = true;
      ++i;
    }
    if (control || c == ' ') {
      if (!space) out += ' ';
      space = true;
      continue;
    }
    out += static_cast<char>(c);
    space = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace vw::forensics
