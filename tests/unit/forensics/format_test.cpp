// Output formats: JSON escaping, CSV quoting, the aligned table, RFC 3339 text, HMAC hiding.
#include "forensics/format.hpp"

#include <gtest/gtest.h>

#include "audit/decoder.hpp"

namespace vw::forensics {
namespace {

const std::string line =
    R"({"time":"2026-11-28T10:00:00.153356Z","type":"request","auth":{"client_token":"hmac-sha256:tok","accessor":"hmac-sha256:acc","display_name":"userpass-alice","policies":["default","ops"],"metadata":{"username":"alice","x":"hmac-sha256:m"},"entity_id":"e-1"},"error":"1 error occurred:\n\t* permission denied\n\n","request":{"id":"r1","operation":"read","path":"secret/data/a,\"b\"","mount_point":"secret/","remote_address":"10.1.2.3"}})";

std::string render(Format f, bool show_hmac, const std::vector<std::string>& in) {
  audit::Decoder d;
  audit::AuditEntryView v;
  auto w = make_row_writer({.format = f, .show_hmac = show_hmac});
  std::string out;
  for (const auto& l : in) {
    EXPECT_FALSE(d.decode(l, v));
    w->row(v, out);
  }
  w->finish(out);
  return out;
}

TEST(Format, Rfc3339KeepsTheFractionVaultWrote) {
  struct {
    const char* in;
    const char* out;
  } table[] = {
      {"2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z"},
      {"2026-11-28T10:00:00.5Z", "2026-11-28T10:00:00.5Z"},
      {"2026-11-28T10:00:00.153356Z", "2026-11-28T10:00:00.153356Z"},
      {"2020-02-07T17:45:04.153356834Z", "2020-02-07T17:45:04.153356834Z"},
      {"2020-05-28T13:40:18-05:00", "2020-05-28T18:40:18Z"},
      {"1999-12-31T23:59:59.999Z", "1999-12-31T23:59:59.999Z"},
  };
  for (const auto& c : table) {
    std::string out;
    append_rfc3339(*parse_rfc3339(c.in), out);
    EXPECT_EQ(out, c.out);
  }
}

TEST(Format, JsonStringEscapes) {
  struct {
    std::string in;
    const char* out;
  } table[] = {
      {"plain", R"("plain")"},
      {"a\"b\\c", R"("a\"b\\c")"},
      {"l1\nl2\t\r", R"("l1\nl2\t\r")"},
      {std::string("\x1b[31m\x01", 6), R"("\u001b[31m\u0001")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"", R"("")"},
  };
  for (const auto& c : table) {
    std::string out;
    append_json_string(c.in, out);
    EXPECT_EQ(out, c.out);
  }
}

TEST(Format, CsvQuotesOnlyWhenNeeded) {
  struct {
    const char* in;
    const char* out;
  } table[] = {
      {"plain", "plain"},       {"a,b", "\"a,b\""},        {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"l1\nl2", "\"l1\nl2\""}, {" lead", "\" lead\""},    {"", ""},
  };
  for (const auto& c : table) {
    std::string out;
    append_csv_field(c.in, out);
    EXPECT_EQ(out, c.out);
  }
}

TEST(Format, TerminalSafeNeutralisesControls) {
  EXPECT_EQ(terminal_safe("1 error occurred:\n\t* permission denied\n\n"),
            "1 error occurred: * permission denied");
  EXPECT_EQ(terminal_safe("evil\x1b]0;pwned\x07/x"), "evil ]0;pwned /x");
  EXPECT_EQ(terminal_safe("c1\xc2\x9b" "31m"), "c1 31m");
  EXPECT_EQ(terminal_safe("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(Format, JsonRowHidesHmacUnlessAsked) {
  auto out = render(Format::json, false, {line});
  EXPECT_EQ(out,
            R"j({"time":"2026-11-28T10:00:00.153356Z","type":"request","operation":"read","path":"secret/data/a,\"b\"","display_name":"userpass-alice","entity_id":"e-1","policies":["default","ops"],"remote_address":"10.1.2.3","remote_port":null,"error":"1 error occurred:\n\t* permission denied\n\n","request_id":"r1","mount_point":"secret/","mount_type":"","namespace":"","token_type":"","metadata":{"username":"alice","x":"(hmac)"}})j"
            "\n");
  auto shown = render(Format::json, true, {line});
  EXPECT_NE(shown.find(R"("x":"hmac-sha256:m")"), std::string::npos);
  EXPECT_NE(shown.find(R"("accessor":"hmac-sha256:acc","client_token":"hmac-sha256:tok"})"), std::string::npos);
}

TEST(Format, CsvRowWithHeader) {
  auto out = render(Format::csv, false, {line});
  EXPECT_EQ(out,
            "time,type,operation,path,display_name,entity_id,policies,remote_address,error,request_id,"
            "mount_point,metadata\n"
            "2026-11-28T10:00:00.153356Z,request,read,\"secret/data/a,\"\"b\"\"\",userpass-alice,e-1,"
            "\"default,ops\",10.1.2.3,\"1 error occurred:\n\t* permission denied\n\n\",r1,secret/,"
            "username=alice;x=(hmac)\n");
  EXPECT_EQ(render(Format::csv, true, {line}).find("hmac-sha256:m") != std::string::npos, true);
  EXPECT_EQ(render(Format::csv, false, {}), 
            "time,type,operation,path,display_name,entity_id,policies,remote_address,error,request_id,"
            "mount_point,metadata\n");
}

TEST(Format, TableIsAlignedAndSafe) {
  const std::string other =
      R"({"time":"2026-11-28T10:00:01Z","type":"response","request":{"operation":"list","path":"x"}})";
  auto out = render(Format::table, false, {line, other});
  EXPECT_EQ(out,
            "TIME                         TYPE      OPERATION  PATH               DISPLAY_NAME    ENTITY_ID  "
            "POLICIES     REMOTE_ADDRESS  ERROR\n"
            "2026-11-28T10:00:00.153356Z  request   read       secret/data/a,\"b\"  userpass-alice  e-1        "
            "default,ops  10.1.2.3        permission denied\n"
            "2026-11-28T10:00:01.000000Z  response  list       x                  -               -          "
            "-            -               -\n");
  EXPECT_EQ(out.find("hmac"), std::string::npos);
  auto shown = render(Format::table, true, {line});
  EXPECT_NE(shown.find("ACCESSOR"), std::string::npos);
  EXPECT_NE(shown.find("hmac-sha256:acc"), std::string::npos);
}

TEST(Format, TableTimesCarryTheSamplesFractionDigits) {
  auto row = [](const char* t) {
    return std::string(R"({"time":")") + t + R"(","type":"request","request":{"operation":"read","path":"p"}})";
  };
  auto out = render(Format::table, false,
                    {row("2026-11-28T10:00:00.5Z"), row("2026-11-28T10:00:01Z"), row("2026-11-28T10:00:02.123Z")});
  EXPECT_EQ(out,
            "TIME                      TYPE     OPERATION  PATH  DISPLAY_NAME  ENTITY_ID  POLICIES  REMOTE_ADDRESS  ERROR\n"
            "2026-11-28T10:00:00.500Z  request  read       p     -             -          -         -               -\n"
            "2026-11-28T10:00:01.000Z  request  read       p     -             -          -         -               -\n"
            "2026-11-28T10:00:02.123Z  request  read       p     -             -          -         -               -\n");
  // After the sample, later rows are padded to the same digits.
  audit::Decoder d;
  audit::AuditEntryView v;
  auto w = make_row_writer({.format = Format::table, .table_sample_rows = 1});
  std::string streamed;
  for (const char* t : {"2026-11-28T10:00:00.25Z", "2026-11-28T10:00:01Z", "2026-11-28T10:00:02.5Z"}) {
    ASSERT_FALSE(d.decode(row(t), v));
    w->row(v, streamed);
  }
  w->finish(streamed);
  EXPECT_NE(streamed.find("\n2026-11-28T10:00:01.00Z  "), std::string::npos) << streamed;
  EXPECT_NE(streamed.find("\n2026-11-28T10:00:02.50Z  "), std::string::npos) << streamed;
  // JSON keeps Vault's text.
  EXPECT_EQ(render(Format::json, false, {row("2026-11-28T10:00:00.5Z")}).substr(0, 34),
            R"({"time":"2026-11-28T10:00:00.5Z",")");
}

TEST(Format, NoRowsNoTable) {
  EXPECT_EQ(render(Format::table, false, {}), "");
}

TEST(Format, TableWidthsComeFromTheSample) {
  audit::Decoder d;
  audit::AuditEntryView v;
  auto w = make_row_writer({.format = Format::table, .table_sample_rows = 1});
  std::string out;
  ASSERT_FALSE(d.decode(R"({"time":"2026-11-28T10:00:01Z","type":"request","request":{"operation":"list","path":"x"}})", v));
  w->row(v, out);
  EXPECT_EQ(out, "");  // held back until the sample is complete
  ASSERT_FALSE(d.decode(R"({"time":"2026-11-28T10:00:01Z","type":"request","request":{"operation":"list","path":"longer/path"}})", v));
  w->row(v, out);
  EXPECT_NE(out, "");  // sample full: header and rows written, later rows go out at once
  auto before = out.size();
  w->row(v, out);
  EXPECT_GT(out.size(), before);
  w->finish(out);
}

// Issue 16: KMIP entries show Vault's type and "-" for what they lack; the client address is
// shown without the port it carried, which JSON gives as remote_port (as it does
// request.remote_port).
TEST(Format, KmipAndRemotePortRows) {
  const std::string kmip =
      R"({"request":{"data":{"kmip_request":{}},"namespace":{"id":"root"},"remote_address":"[2001:db8::10]:36778"},"time":"2026-11-28T10:00:05Z","type":"kmip-request"})";
  const std::string http =
      R"({"request":{"operation":"read","path":"a","remote_address":"10.20.30.41","remote_port":51514},"time":"2026-11-28T10:00:06Z","type":"request"})";
  EXPECT_EQ(render(Format::table, false, {kmip, http}),
            "TIME                  TYPE          OPERATION  PATH  DISPLAY_NAME  ENTITY_ID  POLICIES  "
            "REMOTE_ADDRESS  ERROR\n"
            "2026-11-28T10:00:05Z  kmip-request  -          -     -             -          -         "
            "2001:db8::10    -\n"
            "2026-11-28T10:00:06Z  request       read       a     -             -          -         "
            "10.20.30.41     -\n");
  EXPECT_EQ(render(Format::json, false, {kmip, http}),
            R"({"time":"2026-11-28T10:00:05Z","type":"kmip-request","operation":"","path":"","display_name":"","entity_id":"","policies":[],"remote_address":"2001:db8::10","remote_port":36778,"error":"","request_id":"","mount_point":"","mount_type":"","namespace":"","token_type":"","metadata":{}})"
            "\n"
            R"({"time":"2026-11-28T10:00:06Z","type":"request","operation":"read","path":"a","display_name":"","entity_id":"","policies":[],"remote_address":"10.20.30.41","remote_port":51514,"error":"","request_id":"","mount_point":"","mount_type":"","namespace":"","token_type":"","metadata":{}})"
            "\n");
  auto csv = render(Format::csv, false, {kmip});
  EXPECT_NE(csv.find("\n2026-11-28T10:00:05Z,kmip-request,,,,,,2001:db8::10,,,,\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace vw::forensics
